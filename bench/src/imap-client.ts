// A small IMAP client for the benchmark: one tagged command at a time, untagged responses counted (literals
// skipped, not kept) until the tagged reply, synchronising literals for APPEND.
import { LineSocket } from './line-socket.js';

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
  private tag = 0;
  /** Whether untagged lines are kept in replies (off: only counted). */
  keep = true;
  /** Milliseconds spent per command name, when set. */
  timings: Map<string, { n: number; ms: number }> | null = null;

  private constructor(private readonly io: LineSocket) {}

  static async connect(port: number): Promise<ImapClient> {
    const io = await LineSocket.open(port);
    const greeting = await io.line();
    if (!greeting.startsWith('* OK')) throw new Error(`greeting: ${greeting}`);
    return new ImapClient(io);
  }

  /** Sends a command (without tag) and reads up to its tagged reply, which must be OK unless `allowNo`. */
  async command(text: string, options: { literal?: Buffer; allowNo?: boolean } = {}): Promise<Reply> {
    const tag = `a${++this.tag}`;
    const started = this.timings ? performance.now() : 0;
    const untagged: string[] = [];
    let octets = 0;
    if (options.literal) {
      this.io.socket.write(`${tag} ${text} {${options.literal.length}}\r\n`);
      const cont = await this.io.line();
      if (!cont.startsWith('+')) throw new Error(`${text.split(' ')[0]}: ${cont}`);
      this.io.socket.write(options.literal);
      this.io.socket.write('\r\n');
    } else {
      this.io.socket.write(`${tag} ${text}\r\n`);
    }
    for (;;) {
      let l = await this.io.line();
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
        await this.io.skip(n);
        octets += n;
        const rest = await this.io.line();
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
    this.io.socket.destroy();
  }

  /** Drops the connection without LOGOUT. */
  destroy(): void {
    this.io.socket.destroy();
  }
}
