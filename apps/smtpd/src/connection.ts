// One client connection's I/O: bytes from the socket into the framer, replies out with pipelining-aware flushing,
// read timeouts, backpressure, and the STARTTLS switch that throws away whatever the client sent ahead of it.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TlsInfo, TlsProvider } from './ports.js';
import { Framer, type Line } from './protocol/framer.js';
import { formatReply, type SmtpReply } from './protocol/reply.js';

/** Ends the session: no reply to the current command is possible or wanted. */
export class SessionEndError extends Error {}

/** The client closed the connection, or it failed. */
export class ConnectionClosedError extends SessionEndError {
  constructor(cause?: Error) {
    super('connection closed', cause ? { cause } : undefined);
    this.name = 'ConnectionClosedError';
  }
}

/** The client sent nothing for longer than the command timeout. */
export class ReadTimeoutError extends SessionEndError {
  constructor() {
    super('read timeout');
    this.name = 'ReadTimeoutError';
  }
}

/** The server is stopping: the session ends at its next read. */
export class ShutdownError extends SessionEndError {
  constructor() {
    super('server shutting down');
    this.name = 'ShutdownError';
  }
}

export interface ConnectionOptions {
  /** Longest command line, CRLF included. */
  maxLine: number;
  /** How long to wait for the client before giving up (limits.commandTimeout). */
  timeoutMs: number;
}

/** The longest a TLS handshake may take, whatever the command timeout (a slow handshake holds a slot). */
export const HANDSHAKE_TIMEOUT = 30_000;

/** Stop reading from the socket while this many octets wait unprocessed. */
const HIGH_WATER = 256 * 1024;
/** Flush replies even while pipelined commands wait once this much output is pending. */
const OUTPUT_HIGH_WATER = 64 * 1024;

/** The octets of one BDAT chunk: read by its command, and drained whatever the command did (RFC 3030 §3). */
export class Payload implements AsyncIterable<Buffer> {
  constructor(
    private readonly conn: Connection,
    public remaining: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    while (this.remaining > 0) {
      const piece = await this.conn.readRaw(this.remaining);
      this.remaining -= piece.length;
      yield piece;
    }
  }

  /** Reads and drops what is left of the chunk. */
  async drain(): Promise<void> {
    while (this.remaining > 0) this.remaining -= (await this.conn.readRaw(this.remaining)).length;
  }
}

export class Connection {
  private socket: Socket;
  private framer: Framer;
  private out: string[] = [];
  private outBytes = 0;
  private wake: (() => void) | undefined;
  /** Counts input, end and shutdown events, so that one coming while nobody waits is still seen. */
  private arrivals = 0;
  private peerClosed = false;
  private failure: Error | undefined;
  private ending = false;
  private stopping = false;

  constructor(
    socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.socket = socket;
    this.framer = new Framer({ maxLine: options.maxLine });
    this.attach(socket);
  }

  get isTls(): boolean {
    return 'encrypted' in this.socket && (this.socket as TLSSocket).encrypted === true;
  }

  get closed(): boolean {
    return this.peerClosed || this.ending;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.framer.push(chunk);
    if (this.framer.buffered > HIGH_WATER) this.socket.pause();
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.peerClosed = true;
    this.notify();
  };

  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    this.peerClosed = true;
    this.notify();
  };

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.off('error', this.onError);
  }

  private notify(): void {
    this.arrivals++;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Waits for more input (or the end of it); throws on timeout or when the connection is gone. */
  private async waitForInput(): Promise<void> {
    if (this.stopping) throw new ShutdownError();
    if (this.peerClosed || this.ending) throw new ConnectionClosedError(this.failure);
    if (this.socket.isPaused()) this.socket.resume();
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.wake = resolve;
        timer = setTimeout(() => {
          this.wake = undefined;
          reject(new ReadTimeoutError());
        }, this.options.timeoutMs);
      });
    } finally {
      clearTimeout(timer);
    }
    if (this.stopping) throw new ShutdownError();
  }

  /** Server shutdown: the session ends at its next wait for input (a command being run finishes first). */
  shutdown(): void {
    this.stopping = true;
    this.notify();
  }

  /** Queues a reply; it is sent at the next flush. */
  write(reply: SmtpReply): void {
    const text = formatReply(reply);
    this.out.push(text);
    this.outBytes += text.length;
  }

  /** Sends queued replies, waiting while the client does not read them. */
  async flush(): Promise<void> {
    if (this.out.length === 0) return;
    const data = this.out.join('');
    this.out = [];
    this.outBytes = 0;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (socket.write(data)) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
      timer = setTimeout(() => {
        socket.destroy();
        done();
      }, this.options.timeoutMs);
    });
  }

  /**
   * The next command line. Replies are flushed only when no complete line is waiting (RFC 2920 pipelining:
   * a batch of commands gets its replies in one write).
   */
  async readLine(): Promise<Line> {
    for (;;) {
      const line = this.framer.readLine();
      if (line) {
        if (this.outBytes > OUTPUT_HIGH_WATER) await this.flush();
        return line;
      }
      // Input or the end of the connection can come while the flush waits for the socket to drain (a client
      // that pipelined behind many replies): then the framer is looked at again before any wait.
      const seen = this.arrivals;
      await this.flush();
      if (this.arrivals === seen) await this.waitForInput();
    }
  }

  /** Switches the framer to DATA: call right after queueing the 354 reply. */
  beginData(): void {
    this.framer.beginData();
  }

  /** The decoded DATA body up to <CRLF>.<CRLF>; throws ConnectionClosedError or ReadTimeoutError. */
  async *readData(): AsyncGenerator<Buffer> {
    await this.flush();
    for (;;) {
      if (!this.framer.inData) return;
      const r = this.framer.readData();
      for (const piece of r.data) yield piece;
      if (r.end) return;
      await this.waitForInput();
    }
  }

  /** Reads and drops the rest of a DATA body that was not read to its end (a rejected message). */
  async finishData(): Promise<void> {
    while (this.framer.inData) {
      if (this.framer.readData().end) return;
      await this.waitForInput();
    }
  }

  /** Up to `max` raw octets (BDAT), waiting for at least one. */
  async readRaw(max: number): Promise<Buffer> {
    for (;;) {
      const piece = this.framer.readChunk(max);
      if (piece) return piece;
      await this.waitForInput();
    }
  }

  payload(size: number): Payload {
    return new Payload(this, size);
  }

  /**
   * Waits `ms` before the greeting; false when the client spoke (or left) meanwhile: a client that talks before
   * the banner is not following the protocol (postscreen's pregreet test).
   */
  async quietFor(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.framer.buffered === 0 && !this.peerClosed) {
      const left = deadline - Date.now();
      if (left <= 0) return true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.wake = undefined;
    return false;
  }

  /**
   * STARTTLS (RFC 3207): stop reading plaintext, throw away anything already received after the STARTTLS line
   * (CVE-2011-0411), send `ready`, then hand the socket to TLS. Resolves with the discarded octet count and the
   * negotiated parameters; on a handshake failure the connection is gone and this throws.
   */
  async startTls(provider: TlsProvider, ready: SmtpReply): Promise<{ discarded: number; tls: TlsInfo }> {
    const plain = this.socket;
    this.detach(plain);
    plain.pause();
    const discarded = this.framer.discard();
    this.write(ready);
    await this.flush();
    let secure: TLSSocket;
    try {
      secure = await provider.upgrade(plain, { timeout: Math.min(this.options.timeoutMs, HANDSHAKE_TIMEOUT) });
    } catch (err) {
      this.failure = err as Error;
      this.peerClosed = true;
      throw new ConnectionClosedError(err as Error);
    }
    this.socket = secure;
    this.framer = new Framer({ maxLine: this.options.maxLine });
    this.attach(secure);
    return { discarded, tls: tlsInfo(secure) };
  }

  /** Sends what is queued and closes; the socket is destroyed if the client does not close its side soon. */
  async close(): Promise<void> {
    if (this.ending) return;
    await this.flush().catch(() => undefined);
    this.ending = true;
    const socket = this.socket;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), 2000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    this.notify();
  }
}

export function tlsInfo(socket: TLSSocket): TlsInfo {
  return { protocol: socket.getProtocol() ?? 'TLS', cipher: socket.getCipher()?.name ?? 'unknown' };
}
