// One IMAP client connection's I/O: socket bytes into the framer, composed replies out (streamed literals piped
// with backpressure), flushing only when no further command is waiting (pipelining), the idle timer, and the
// STARTTLS switch that throws away whatever the client sent ahead of the handshake.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { giveBack } from './buffer-pool.js';
import { compose, Framer } from './protocol/index.js';
import type { FramerEvent, FramerLimits, Response } from './protocol/index.js';

/** The client went away; the session ends without another reply. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

/** Nothing arrived for longer than the idle timeout. */
export class IdleTimeoutError extends Error {
  override readonly name = 'IdleTimeoutError';
}

/** The server is stopping. */
export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
}

/** Something only upgrade() needs of @mail/tls. */
export interface TlsUpgrader {
  upgrade(socket: Socket, options?: { timeout?: number }): Promise<TLSSocket>;
}

const HIGH_WATER = 256 * 1024;
const OUTPUT_HIGH_WATER = 64 * 1024;
/** Queued replies smaller than this are joined into one buffer before the write; larger ones are written as parts. */
const JOIN_BELOW = 16 * 1024;
export const HANDSHAKE_TIMEOUT = 30_000;

export class Connection {
  private socket: Socket;
  framer: Framer;
  private out: Buffer[] = [];
  private outBytes = 0;
  private wakeUp: ((reason: 'input' | 'wake') => void) | undefined;
  private peerClosed = false;
  private stopping = false;
  private woken = false;
  /** Counts input, end and wake events, so that one coming while nobody waits is still seen. */
  private arrivals = 0;
  utf8 = false;

  constructor(
    socket: Socket,
    private readonly limits: Partial<FramerLimits>,
    private readonly idleTimeoutMs: number,
  ) {
    this.socket = socket;
    this.framer = new Framer(limits);
    this.attach(socket);
  }

  get isTls(): boolean {
    return (this.socket as TLSSocket).encrypted === true;
  }

  get closed(): boolean {
    return this.peerClosed || this.socket.destroyed;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.framer.push(chunk);
    if (this.framer.pendingBytes > HIGH_WATER) this.socket.pause();
    this.notify('input');
  };

  private readonly onEnd = (): void => {
    this.peerClosed = true;
    this.notify('input');
  };

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onEnd);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.off('error', this.onEnd);
  }

  private notify(reason: 'input' | 'wake'): void {
    this.arrivals++;
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.(reason);
  }

  /** Interrupts a wakeable next() (IDLE: changes to report). */
  wake(): void {
    this.woken = true;
    this.notify('wake');
  }

  /** Server shutdown: the session ends at its next wait for input. */
  shutdown(): void {
    this.stopping = true;
    this.notify('input');
  }

  /**
   * The next framer event. Replies are flushed only when the framer has nothing ready. With `wakeable`, returns
   * 'wake' after wake() instead of waiting on.
   */
  async next(options: { wakeable?: boolean; timeoutMs?: number } = {}): Promise<FramerEvent | 'wake'> {
    for (;;) {
      if (this.stopping) throw new ShutdownError();
      const event = this.framer.next();
      if (event) {
        if (this.outBytes > OUTPUT_HIGH_WATER) await this.flush();
        return event;
      }
      if (options.wakeable && this.woken) {
        this.woken = false;
        return 'wake';
      }
      // Input, the end of the connection or a wake() can come while the flush waits for the socket to drain (a
      // client that pipelined behind a large reply): then the framer is looked at again before any wait.
      const seen = this.arrivals;
      await this.flush();
      if (this.arrivals !== seen) continue;
      if (this.peerClosed) throw new ConnectionClosedError('connection closed');
      if (this.framer.closed) throw new ConnectionClosedError('framer closed');
      if (this.socket.isPaused()) this.socket.resume();
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<'input' | 'wake'>((resolve, reject) => {
          this.wakeUp = resolve;
          timer = setTimeout(() => {
            this.wakeUp = undefined;
            reject(new IdleTimeoutError('idle timeout'));
          }, options.timeoutMs ?? this.idleTimeoutMs);
        });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Queues a response (composed in the connection's UTF-8 mode); streamed literals are piped at once. */
  async send(response: Response): Promise<void> {
    for (const part of compose(response, { utf8: this.utf8 })) {
      if (Buffer.isBuffer(part)) {
        this.out.push(part);
        this.outBytes += part.length;
        continue;
      }
      await this.flush();
      await this.pipeExactly(part.stream, part.size);
    }
  }

  /** Writes exactly `size` octets of `stream` (padding or cutting: the announced literal size is binding). */
  private async pipeExactly(stream: NodeJS.ReadableStream, size: number): Promise<void> {
    let left = size;
    const socket = this.socket;
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        if (piece.length === 0 || socket.destroyed) return cb();
        if (socket.write(piece)) return cb();
        const resume = (): void => {
          socket.off('drain', resume);
          socket.off('close', resume);
          cb();
        };
        socket.once('drain', resume);
        socket.once('close', resume);
      },
    });
    await pipeline(stream, sink);
    if (left > 0 && !socket.destroyed) socket.write(Buffer.alloc(left, 0x20));
  }

  async flush(): Promise<void> {
    if (this.out.length === 0) return;
    const parts = this.out;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    const joined = parts.length > 1 && bytes < JOIN_BELOW;
    let ok: boolean;
    if (parts.length === 1 || joined) ok = socket.write(joined ? Buffer.concat(parts, bytes) : (parts[0] as Buffer));
    else {
      // Message data is not copied into one buffer: the parts go out together in one vectored write.
      socket.cork();
      ok = true;
      for (const part of parts) ok = socket.write(part);
      socket.uncork();
    }
    // The parts were copied, or nothing is left queued (the kernel or TLS has every octet): message buffers can
    // serve the next FETCH.
    if (joined || socket.writableLength === 0) for (const part of parts) giveBack(part);
    if (ok) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        done();
      }, this.idleTimeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }

  /**
   * STARTTLS (RFC 9051 §6.2.1): drop whatever the client pipelined after the command, send the tagged OK, then
   * hand the socket to TLS with a fresh framer. Returns the number of discarded octets.
   */
  async startTls(provider: TlsUpgrader, ok: Response): Promise<number> {
    const plain = this.socket;
    this.detach(plain);
    plain.pause();
    const discarded = this.framer.reset();
    await this.send(ok);
    await this.flush();
    try {
      this.socket = await provider.upgrade(plain, { timeout: HANDSHAKE_TIMEOUT });
    } catch (err) {
      this.peerClosed = true;
      plain.destroy();
      throw new ConnectionClosedError('TLS handshake failed', { cause: err });
    }
    this.framer = new Framer(this.limits);
    this.attach(this.socket);
    return discarded;
  }

  /** Sends what is queued and closes the connection. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), 2000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
}
