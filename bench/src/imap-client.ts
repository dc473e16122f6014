// A small IMAP client for the benchmark: one tagged command at a time, untagged responses counted (literals
// skipped, not kept) until the tagged reply, synchronising literals for APPEND.
import { connect, type Socket } from 'node:net';

export interface Reply {
  /** The tagged status line without the tag. */
  status: string;
  /** Untagged response lines (their literals left out). */
  untagged: string[];
  /** Octets received for the command. */
  octets: number;
}

const LITERAL = /\{(\d+)\+?\}$/;

export class ImapClient {
  private buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;
  private tag = 0;
  /** Whether untagged lines are kept in replies (off: only counted). */
  keep = true;
  /** Milliseconds spent per command name, when set. */
  timings: Map<string, { n: number; ms: number }> | null = null;

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

  static async connect(port: number): Promise<ImapClient> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    const c = new ImapClient(socket);
    const greeting = await c.line();
    if (!greeting.startsWith('* OK')) throw new Error(`greeting: ${greeting}`);
    return c;
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
  }

  private async line(): Promise<string> {
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

  /** Skips `n` octets (a literal's contents). */
  private async skip(n: number): Promise<void> {
    while (this.buf.length < n) {
      n -= this.buf.length;
      this.buf = Buffer.alloc(0);
      await this.more();
    }
    this.buf = this.buf.subarray(n);
  }

  /** Sends a command (without tag) and reads up to its tagged reply, which must be OK unless `allowNo`. */
  async command(text: string, options: { literal?: Buffer; allowNo?: boolean } = {}): Promise<Reply> {
    const tag = `a${++this.tag}`;
    const started = this.timings ? performance.now() : 0;
    const untagged: string[] = [];
    let octets = 0;
    if (options.literal) {
      this.socket.write(`${tag} ${text} {${options.literal.length}}\r\n`);
      const cont = await this.line();
      if (!cont.startsWith('+')) throw new Error(`${text.split(' ')[0]}: ${cont}`);
      this.socket.write(options.literal);
      this.socket.write('\r\n');
    } else {
      this.socket.write(`${tag} ${text}\r\n`);
    }
    for (;;) {
      let l = await this.line();
      octets += l.length + 2;
      if (l.startsWith(`${tag} `)) {
        const status = l.slice(tag.length + 1);
        if (!status.startsWith('OK') && !(options.allowNo && status.startsWith('NO'))) throw new Error(`${text.split(' ')[0]}: ${status}`);
        if (this.timings) {
          const name = /^(UID )?\S+/.exec(text)![0];
          const t = this.timings.get(name) ?? { n: 0, ms: 0 };
          t.n += 1;
          t.ms += performance.now() - started;
          this.timings.set(name, t);
        }
        return { status, untagged, octets };
      }
      // A response with literals continues after each one.
      for (let m = LITERAL.exec(l); m; m = LITERAL.exec(l)) {
        const n = Number(m[1]);
        await this.skip(n);
        octets += n;
        const rest = await this.line();
        octets += rest.length + 2;
        l = `${l}${rest}`;
      }
      if (this.keep) untagged.push(l);
    }
  }

  async login(user: string, password: string): Promise<void> {
    await this.command(`LOGIN "${user}" "${password}"`);
  }

  async logout(): Promise<void> {
    await this.command('LOGOUT').catch(() => undefined);
    this.socket.destroy();
  }

  /** Drops the connection without LOGOUT. */
  destroy(): void {
    this.socket.destroy();
  }
}
