// A minimal IMAP client over node:net for the differential test: tagged commands, literals, FETCH responses.
import { connect, type Socket } from 'node:net';
import { parseImapValue, type ImapValue } from '../src/index.js';

export interface Reply {
  /** Untagged responses (without "* "), literals inlined in IMAP syntax. */
  untagged: string[];
  status: string;
  text: string;
}

export class ImapClient {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private tag = 0;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<ImapClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new ImapClient(socket);
    const greeting = await client.readResponse();
    if (!greeting.startsWith('* OK')) throw new Error(`unexpected greeting: ${greeting}`);
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Reads one complete response line, literals included (as latin1 text). */
  async readResponse(): Promise<string> {
    let out = '';
    for (;;) {
      let lf = this.buffer.indexOf(0x0a);
      while (lf < 0) {
        await this.more();
        lf = this.buffer.indexOf(0x0a);
      }
      const line = this.buffer.subarray(0, lf + 1).toString('latin1');
      this.buffer = this.buffer.subarray(lf + 1);
      out += line;
      const m = /~?\{(\d+)\}\r\n$/.exec(line);
      if (!m) return out.replace(/\r\n$/, '');
      const len = Number(m[1]);
      while (this.buffer.length < len) await this.more();
      out += this.buffer.subarray(0, len).toString('latin1');
      this.buffer = this.buffer.subarray(len);
    }
  }

  /** Sends a command (with optional LITERAL+ literals spliced in place of `{}` markers) and collects its reply. */
  async command(text: string, literals: Buffer[] = []): Promise<Reply> {
    const tag = `T${++this.tag}`;
    const pieces = text.split('{}');
    const parts: Buffer[] = [Buffer.from(`${tag} ${pieces[0]}`, 'latin1')];
    for (let i = 1; i < pieces.length; i++) {
      const lit = literals[i - 1]!;
      parts.push(Buffer.from(`{${lit.length}+}\r\n`, 'latin1'), lit, Buffer.from(pieces[i]!, 'latin1'));
    }
    parts.push(Buffer.from('\r\n'));
    this.socket.write(Buffer.concat(parts));
    const untagged: string[] = [];
    for (;;) {
      const r = await this.readResponse();
      if (r.startsWith('* ')) untagged.push(r.slice(2));
      else if (r.startsWith(`${tag} `)) {
        const [, status = '', rest = ''] = /^\S+ (\S+) ?(.*)$/s.exec(r) ?? [];
        return { untagged, status, text: rest };
      }
    }
  }

  async ok(text: string, literals: Buffer[] = []): Promise<Reply> {
    const r = await this.command(text, literals);
    if (r.status !== 'OK') throw new Error(`${text.slice(0, 60)} failed: ${r.status} ${r.text}`);
    return r;
  }

  /** FETCH items per message sequence number: item name (upper-case) → value. */
  async fetch(set: string, items: string): Promise<Map<number, Map<string, ImapValue>>> {
    const r = await this.ok(`FETCH ${set} (${items})`);
    const out = new Map<number, Map<string, ImapValue>>();
    for (const u of r.untagged) {
      const m = /^(\d+) FETCH (.*)$/s.exec(u);
      if (!m) continue;
      const list = parseImapValue(m[2]!);
      if (!Array.isArray(list)) throw new Error('bad FETCH response');
      const map = out.get(Number(m[1])) ?? new Map<string, ImapValue>();
      for (let i = 0; i + 1 < list.length; i += 2) map.set(String(list[i]).toUpperCase(), list[i + 1]!);
      out.set(Number(m[1]), map);
    }
    return out;
  }

  async close(): Promise<void> {
    if (!this.closed) {
      await this.command('LOGOUT').catch(() => undefined);
      this.socket.destroy();
    }
  }
}
