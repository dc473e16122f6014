// The client's side of an SMTP connection: CRLF lines in, replies out, writes, timeouts, and the STARTTLS upgrade.
import { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ReplyAssembler, type SmtpReply } from './reply.js';

/** A failure of the connection itself (refused, reset, timeout, garbage): always worth trying elsewhere or later. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

const MAX_LINE = 4096;

export class Wire {
  private buffer = '';
  private readonly replies: SmtpReply[] = [];
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private assembler = new ReplyAssembler();
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  private readonly onError = (err: Error): void => this.fail(new ConnectionError(`connection error: ${err.message}`));
  private readonly onClose = (): void => this.fail(new ConnectionError('connection closed by the server'));

  private constructor(private socket: Socket | TLSSocket) {
    this.attach();
  }

  /** Opens a TCP connection, failing after `timeoutMs`. */
  static connect(host: string, port: number, timeoutMs: number, localAddress?: string): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ConnectionError(`connect to ${host}:${port} failed: ${err.code ?? err.message}`));
      });
      socket.connect({ host, port, ...(localAddress ? { localAddress } : {}) }, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new Wire(socket));
      });
    });
  }

  get encrypted(): boolean {
    return 'encrypted' in this.socket && this.socket.encrypted === true;
  }

  get tlsInfo(): { version: string; cipher: string } | undefined {
    if (!this.encrypted) return undefined;
    const s = this.socket as TLSSocket;
    return { version: s.getProtocol() ?? 'unknown', cipher: s.getCipher().name };
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** A reply arrived that nobody asked for (an idle connection's 421 before the server hangs up). */
  get unsolicited(): boolean {
    return this.replies.length > 0;
  }

  private attach(): void {
    this.socket.on('data', this.onData);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  private detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
  }

  private receive(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    let nl: number;
    try {
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = Buffer.from(this.buffer.slice(0, nl).replace(/\r$/, ''), 'latin1').toString('utf8');
        this.buffer = this.buffer.slice(nl + 1);
        const reply = this.assembler.push(line);
        if (reply) this.deliver(reply);
      }
      if (this.buffer.length > MAX_LINE) throw new ConnectionError(`reply line longer than ${MAX_LINE} octets`);
    } catch (err) {
      this.fail(err instanceof ConnectionError ? err : new ConnectionError((err as Error).message));
      this.socket.destroy();
    }
  }

  private deliver(reply: SmtpReply): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve(reply);
    } else {
      this.replies.push(reply);
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  /** The next reply, or ConnectionError after `timeoutMs` or when the connection ends. */
  read(timeoutMs: number): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        const err = new ConnectionError(`no reply within ${Math.round(timeoutMs / 1000)} s`);
        this.fail(err);
        this.socket.destroy();
        reject(err);
      }, timeoutMs);
      this.waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Writes and resolves once the data is handed to the kernel (respecting back-pressure). */
  write(data: string | Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(new ConnectionError(`write failed: ${err.message}`)) : resolve()));
    });
  }

  /** RFC 3207: after 220 to STARTTLS, starts TLS on the same socket; anything buffered before is discarded. */
  async startTls(options: ConnectionOptions, timeoutMs: number): Promise<void> {
    this.detach();
    this.buffer = '';
    this.replies.length = 0;
    this.assembler = new ReplyAssembler();
    const plain = this.socket as Socket;
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ ...options, socket: plain });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionError(`TLS handshake timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectionError(`TLS handshake failed: ${err.message}`));
      });
    });
    this.socket = secure;
    this.attach();
  }

  /** Closes at once. */
  destroy(): void {
    this.fail(new ConnectionError('connection closed'));
    this.detach();
    this.socket.on('error', () => undefined);
    this.socket.destroy();
  }
}
