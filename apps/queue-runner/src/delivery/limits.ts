// Concurrency limits (a global one and one per destination) and the cache of idle SMTP sessions kept for reuse.
import type { SmtpSession } from '../smtp/session.js';

/** A counting semaphore; release() wakes the longest waiter. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
}

/** One semaphore per key (a destination), created on demand and dropped when unused. */
export class KeyedLimits {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let s = this.semaphores.get(key);
    if (!s) {
      s = new Semaphore(this.limit);
      this.semaphores.set(key, s);
    }
    await s.acquire();
    try {
      return await fn();
    } finally {
      s.release();
      if (s.idle) this.semaphores.delete(key);
    }
  }
}

/** Idle sessions by key (address, port, TLS level, user), each closed after `idleMs` without use. */
export class SessionCache {
  private readonly idle = new Map<string, Array<{ session: SmtpSession; timer: NodeJS.Timeout }>>();

  constructor(
    private readonly idleMs: number,
    private readonly maxPerKey = 4,
  ) {}

  take(key: string): SmtpSession | undefined {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const entry = list.pop()!;
      clearTimeout(entry.timer);
      if (list.length === 0) this.idle.delete(key);
      if (!entry.session.wire.closed && !entry.session.wire.unsolicited) return entry.session;
      entry.session.close();
    }
    return undefined;
  }

  put(key: string, session: SmtpSession): void {
    const list = this.idle.get(key) ?? [];
    if (this.idleMs <= 0 || list.length >= this.maxPerKey) {
      void session.quit();
      return;
    }
    const entry = {
      session,
      timer: setTimeout(() => {
        const l = this.idle.get(key);
        const i = l?.indexOf(entry) ?? -1;
        if (l && i >= 0) l.splice(i, 1);
        if (l?.length === 0) this.idle.delete(key);
        void session.quit();
      }, this.idleMs),
    };
    entry.timer.unref();
    list.push(entry);
    this.idle.set(key, list);
  }

  /** QUITs every idle session. */
  async closeAll(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(
      all.map(async (e) => {
        clearTimeout(e.timer);
        await e.session.quit();
      }),
    );
  }
}
