// One client socket as the session sees it: command lines in (framed, with input backpressure), replies out
// (buffered while pipelined commands wait, streamed bodies with output backpressure), and the STLS socket swap.
import type { Socket } from 'node:net';
import { LineFramer, type Line } from './protocol/framer.js';

/** Lines queued before the socket is paused (a client pipelining faster than we answer). */
const PAUSE_AT = 64;
/** Buffered reply octets written out even while more commands are waiting. */
const FLUSH_AT = 64 * 1024;
/** A streamed body waits for the client once this much is queued in the socket (bounded memory, few wake-ups). */
const STREAM_WINDOW = 512 * 1024;

export class Connection {
  private framer: LineFramer;
  private lines: Line[] = [];
  private waiter: ((line: Line | null) => void) | null = null;
  private pending: string[] = [];
  private pendingLength = 0;
  private inputEnded = false;
  private _closed = false;
  private closeWaiters: Array<() => void> = [];
  private readonly onData = (chunk: Buffer): void => this.received(chunk);
  private readonly onEnd = (): void => {
    this.inputEnded = true;
    this.wake();
  };
  private readonly onClose = (): void => this.markClosed();
  private readonly onError = (): void => this.markClosed();

  constructor(
    public socket: Socket,
    maxLine: number,
    /** Called when the client sends something or takes the data we sent: resets the idle timer. */
    private readonly activity: () => void,
  ) {
    this.framer = new LineFramer(maxLine);
    this.attach(socket);
  }

  get closed(): boolean {
    return this._closed;
  }

  /** The kernel does not take more for now: wait for drained() before producing more output. */
  get needsDrain(): boolean {
    return !this._closed && this.socket.writableNeedDrain;
  }

  /** A complete line is waiting (pipelined commands): replies are held back until none is. */
  get hasPendingLine(): boolean {
    return this.lines.length > 0;
  }

  /** The next command line; null once the client has closed its side (after every line it sent) or the socket closed. */
  nextLine(): Promise<Line | null> {
    const line = this.lines.shift();
    if (line) {
      if (this.lines.length < PAUSE_AT / 4 && this.socket.isPaused() && !this._closed) this.socket.resume();
      return Promise.resolve(line);
    }
    if (this._closed || this.inputEnded) return Promise.resolve(null);
    this.flush();
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Queues reply text; it goes out at the next flush. */
  write(text: string): void {
    if (this._closed) return;
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this._closed) return;
    const data = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    this.socket.write(data, 'utf8');
  }

  /**
   * Sends a streamed body, waiting for the client to take each part; false when the connection closed first. Writes
   * are corked until the next tick, so the reply line goes out with the first part and the terminator with the last
   * (which the body yields right after it): one system call, and one wake-up of the client, each. `written` is called
   * with each part once the socket is done with it.
   */
  async writeStream(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, written?: (part: Buffer) => void): Promise<boolean> {
    let corked = false;
    const uncork = (): void => {
      corked = false;
      this.socket.uncork();
    };
    for await (const chunk of chunks) {
      if (this._closed) return false;
      if (!corked) {
        corked = true;
        this.socket.cork();
        process.nextTick(uncork);
      }
      this.flush();
      if (!this.socket.write(chunk, written && (() => written(chunk))) && this.socket.writableLength >= STREAM_WINDOW) {
        if (!(await this.drained())) return false;
        this.activity();
      }
    }
    this.flush();
    return !this._closed;
  }

  /** Resolves true once everything written has been handed to the kernel, false if the socket closed first. */
  drained(): Promise<boolean> {
    if (this._closed) return Promise.resolve(false);
    if (!this.socket.writableNeedDrain) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        this.socket.off('drain', onDrain);
        this.closeWaiters = this.closeWaiters.filter((w) => w !== onClosed);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClosed = (): void => done(false);
      this.socket.on('drain', onDrain);
      this.closeWaiters.push(onClosed);
    });
  }

  /**
   * STLS: stops reading the plaintext socket and throws away every line and octet received so far (RFC 2595 §4:
   * they were sent before TLS and cannot be trusted). Returns the socket for the TLS handshake.
   */
  detach(): Socket {
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
    socket.on('error', () => undefined);
    socket.pause();
    this.lines = [];
    this.framer.clear();
    this.pending = [];
    this.pendingLength = 0;
    return socket;
  }

  /** Continues on the TLS socket after STLS. */
  attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    if (socket.isPaused()) socket.resume();
  }

  /** Sends what is buffered and closes; destroys the socket if the client does not take it within `graceMs`. */
  async end(graceMs = 5000): Promise<void> {
    this.flush();
    if (this._closed) return;
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
    this.markClosed();
  }

  private received(chunk: Buffer): void {
    this.activity();
    for (const line of this.framer.push(chunk)) this.lines.push(line);
    if (this.lines.length >= PAUSE_AT) this.socket.pause();
    this.wake();
  }

  private wake(): void {
    if (!this.waiter) return;
    const line = this.lines.shift();
    if (!line && !this.inputEnded && !this._closed) return;
    const w = this.waiter;
    this.waiter = null;
    w(line ?? null);
  }

  private markClosed(): void {
    if (this._closed) return;
    this._closed = true;
    this.pending = [];
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const w of waiters) w();
    this.wake();
  }
}
