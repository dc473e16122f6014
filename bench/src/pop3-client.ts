// A small POP3 client for the benchmark: one command at a time, bodies counted (not kept) until the terminator.
import { LineSocket } from './line-socket.js';

const TERMINATOR = Buffer.from('\r\n.\r\n');

export class BenchClient {
  private constructor(private readonly io: LineSocket) {}

  static async connect(port: number): Promise<BenchClient> {
    const io = await LineSocket.open(port);
    const greeting = await io.line();
    if (!greeting.startsWith('+OK')) throw new Error(`greeting: ${greeting}`);
    return new BenchClient(io);
  }

  async command(line: string): Promise<string> {
    this.io.socket.write(`${line}\r\n`);
    const status = await this.io.line();
    if (!status.startsWith('+OK')) throw new Error(`${line.split(' ')[0]}: ${status}`);
    return status;
  }

  /** Reads a multi-line body and returns its length in octets (terminator excluded). */
  async body(): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.io.buf.length === 3 && total === 0 && this.io.buf.toString('latin1') === '.\r\n') {
        this.io.buf = Buffer.alloc(0);
        return 0;
      }
      const end = this.io.buf.length >= 5 && this.io.buf.subarray(this.io.buf.length - 5).equals(TERMINATOR);
      if (end) {
        total += this.io.buf.length - 3;
        this.io.buf = Buffer.alloc(0);
        return total;
      }
      // Keep only a tail that may be the start of the terminator.
      if (this.io.buf.length > 4) {
        total += this.io.buf.length - 4;
        this.io.buf = this.io.buf.subarray(this.io.buf.length - 4);
      }
      await this.io.more();
    }
  }

  async login(user: string, password: string): Promise<void> {
    await this.command(`USER ${user}`);
    await this.command(`PASS ${password}`);
  }

  async quit(): Promise<void> {
    await this.command('QUIT');
    this.io.socket.destroy();
  }
}
