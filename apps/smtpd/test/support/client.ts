// A typed SMTP test client: sends lines or raw bytes, reads whole (multi-line) replies, upgrades to TLS.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface Reply {
  code: number;
  /** Enhanced status code of the last line, if any. */
  enhanced?: string;
  /** Text of each line without code and enhanced code. */
  lines: string[];
  /** The reply as received, lines joined with \n. */
  raw: string;
}

const WAIT = 5000;

export class SmtpClient {
  private buffer = '';
  private ended = false;
  private waiters: Array<() => void> = [];
  /** Number of 'data' events seen (to check that pipelined replies come in one write). */
  reads = 0;

  private constructor(public socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number, options: { tls?: boolean; host?: string } = {}): Promise<SmtpClient> {
    const host = options.host ?? '127.0.0.1';
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = options.tls
        ? tlsConnect({ host, port, rejectUnauthorized: false, servername: 'mx.test' }, () => resolve(s))
        : netConnect({ host, port }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    return new SmtpClient(socket);
  }

  private listen(socket: Socket): void {
    socket.on('data', (d: Buffer) => {
      this.reads++;
      this.buffer += d.toString('latin1');
      this.wakeAll();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wakeAll();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wakeAll();
    });
    socket.on('error', () => undefined);
  }

  private wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async waitData(what: string): Promise<void> {
    if (this.ended) throw new Error(`connection closed while waiting for ${what}; unread: ${JSON.stringify(this.buffer)}`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${what}; unread: ${JSON.stringify(this.buffer)}`)), WAIT);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Reads one complete reply. */
  async reply(): Promise<Reply> {
    for (;;) {
      const lines: string[] = [];
      let pos = 0;
      for (;;) {
        const end = this.buffer.indexOf('\r\n', pos);
        if (end < 0) break;
        const line = this.buffer.slice(pos, end);
        pos = end + 2;
        const m = /^(\d{3})([ -])(.*)$/.exec(line);
        if (!m) throw new Error(`malformed reply line ${JSON.stringify(line)}`);
        lines.push(line);
        if (m[2] === ' ') {
          this.buffer = this.buffer.slice(pos);
          return parseReply(lines);
        }
      }
      await this.waitData('a reply');
    }
  }

  /** Sends a command line (CRLF added). */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Sends octets exactly as given. */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  async cmd(line: string): Promise<Reply> {
    this.send(line);
    return this.reply();
  }

  async ehlo(name = 'client.test'): Promise<Reply> {
    return this.cmd(`EHLO ${name}`);
  }

  /** Sends MAIL, RCPTs and DATA with the message; returns the reply to the end of data. */
  async sendMail(from: string, to: string[], message: string): Promise<Reply> {
    const m = await this.cmd(`MAIL FROM:<${from}>`);
    if (m.code !== 250) return m;
    for (const r of to) {
      const rr = await this.cmd(`RCPT TO:<${r}>`);
      if (rr.code !== 250) return rr;
    }
    const d = await this.cmd('DATA');
    if (d.code !== 354) return d;
    this.write(`${message}.\r\n`);
    return this.reply();
  }

  /** STARTTLS, then the TLS handshake over the same connection. */
  async startTls(): Promise<Reply> {
    const r = await this.cmd('STARTTLS');
    if (r.code !== 220) return r;
    await this.upgrade();
    return r;
  }

  /** Starts TLS on the socket now (after the server said 220). */
  async upgrade(): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, rejectUnauthorized: false, servername: 'mx.test' }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
    return secure;
  }

  /** Waits until the server closes the connection; returns what it sent and was not read. */
  async closed(): Promise<string> {
    while (!this.ended) await this.waitData('the connection to close').catch((err: Error) => {
      if (!this.ended) throw err;
    });
    return this.buffer;
  }

  /** Everything received and not read as a reply. */
  get unread(): string {
    return this.buffer;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }
}

export function parseReply(lines: string[]): Reply {
  const code = Number(lines[0]!.slice(0, 3));
  const texts = lines.map((l) => l.slice(4));
  const last = texts[texts.length - 1] ?? '';
  const m = /^([245]\.\d{1,3}\.\d{1,3}) /.exec(last);
  const reply: Reply = { code, lines: m ? texts.map((t) => t.replace(/^[245]\.\d{1,3}\.\d{1,3} /, '')) : texts, raw: lines.join('\n') };
  if (m) reply.enhanced = m[1];
  return reply;
}
