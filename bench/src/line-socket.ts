// The socket side of the bench clients: received octets buffered, read back as CRLF lines or skipped.
import { connect, type Socket } from 'node:net';

export class LineSocket {
  buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;

  private constructor(readonly socket: Socket) {
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

  static async open(port: number): Promise<LineSocket> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    return new LineSocket(socket);
  }

  /** Waits for more octets; throws once the connection is closed. */
  async more(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
  }

  /** The next line, without its CRLF. */
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

  /** Skips `n` octets. */
  async skip(n: number): Promise<void> {
    while (this.buf.length < n) {
      n -= this.buf.length;
      this.buf = Buffer.alloc(0);
      await this.more();
    }
    this.buf = this.buf.subarray(n);
  }
}
