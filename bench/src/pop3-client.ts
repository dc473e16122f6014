// A small POP3 client for the benchmark: one command at a time, bodies counted (not kept) until the terminator.
import { connect, type Socket } from 'node:net';

const TERMINATOR = Buffer.from('\r\n.\r\n');

export class BenchClient {
  private buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<BenchClient> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    const c = new BenchClient(socket);
    const greeting = await c.line();
    if (!greeting.startsWith('+OK')) throw new Error(`greeting: ${greeting}`);
    return c;
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
  }

  async line(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i >= 0) {
        const l = this.buf.subarray(0, i).toString('latin1');
        this.buf = this.buf.subarray(i + 2);
        return l;
      }
      await this.more();
    }
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    const status = await this.line();
    if (!status.startsWith('+OK')) throw new Error(`${line.split(' ')[0]}: ${status}`);
    return status;
  }

  /** Reads a multi-line body and returns its length in octets (terminator excluded). */
  async body(): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.buf.length === 3 && total === 0 && this.buf.toString('latin1') === '.\r\n') {
        this.buf = Buffer.alloc(0);
        return 0;
      }
      const end = this.buf.length >= 5 && this.buf.subarray(this.buf.length - 5).equals(TERMINATOR);
      if (end) {
        total += this.buf.length - 3;
        this.buf = Buffer.alloc(0);
        return total;
      }
      // Keep only a tail that may be the start of the terminator.
      if (this.buf.length > 4) {
        total += this.buf.length - 4;
        this.buf = this.buf.subarray(this.buf.length - 4);
      }
      await this.more();
    }
  }

  async login(user: string, password: string): Promise<void> {
    await this.command(`USER ${user}`);
    await this.command(`PASS ${password}`);
  }

  async quit(): Promise<void> {
    await this.command('QUIT');
    this.socket.destroy();
  }
}
