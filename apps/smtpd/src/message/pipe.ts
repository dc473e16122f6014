// A one-way channel of message pieces with backpressure: BDAT chunks arrive as separate commands, while the sink
// reads the message as one stream. write() resolves when the reader has taken the piece.
export class PipeClosedError extends Error {
  constructor() {
    super('the reader stopped reading the message');
    this.name = 'PipeClosedError';
  }
}

interface Pending {
  data: Buffer;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class MessagePipe implements AsyncIterable<Buffer> {
  private queue: Pending[] = [];
  private ended = false;
  private failure: Error | undefined;
  private readerGone = false;
  private wake: (() => void) | undefined;

  /** Hands one piece to the reader; rejects with PipeClosedError when the reader gave up. */
  write(data: Buffer): Promise<void> {
    if (this.readerGone) return Promise.reject(new PipeClosedError());
    if (this.ended || this.failure) return Promise.reject(new Error('write after end'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      this.notify();
    });
  }

  /** No more pieces: the reader's loop ends normally. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The reader's next read throws `err` (the transaction was abandoned); queued pieces are dropped. */
  abort(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.queue.splice(0)) p.reject(err);
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        const next = this.queue.shift();
        if (next) {
          next.resolve();
          yield next.data;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((r) => (this.wake = r));
      }
    } finally {
      // The reader stopped (done, threw, or broke out of its loop): later writes fail fast.
      this.readerGone = true;
      for (const p of this.queue.splice(0)) p.reject(new PipeClosedError());
    }
  }
}
