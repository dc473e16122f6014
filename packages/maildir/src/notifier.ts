// Change notification: records published per account over Redis pub/sub, or in-process (plus fs.watch) without Redis.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { ChangeKind, ChangeListener, ChangeRecord } from './api.js';
import type { HierarchySeparator } from './folder-names.js';
import { AccountWatcher } from './watcher.js';

export interface ChangeNotifier {
  /** Sends a change to every subscriber of its account (this process at once, others through Redis). */
  publish(change: ChangeRecord): Promise<void>;
  /** Listens to one account's changes; returns the function that stops listening. */
  subscribe(account: string, listener: ChangeListener): () => void;
  /** Resolves once every subscription made so far is active (Redis SUBSCRIBE acknowledged). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** The Maildir root of an account; enables fs.watch of its folders while someone listens. */
  rootOf?: (account: string) => string;
  separator?: HierarchySeparator;
}

const KINDS: ReadonlySet<ChangeKind> = new Set(['append', 'flags', 'expunge', 'create', 'delete', 'rename', 'sync']);
const isUidList = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isInteger(n) && n > 0);

/** Checks a change record that arrived from outside the process. */
export function isChangeRecord(value: unknown): value is ChangeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  if (typeof c.account !== 'string' || typeof c.folder !== 'string' || typeof c.time !== 'number') return false;
  if (typeof c.kind !== 'string' || !KINDS.has(c.kind as ChangeKind) || !isUidList(c.uids)) return false;
  for (const key of ['modseq', 'uidValidity', 'uidNext'] as const) if (c[key] !== undefined && typeof c[key] !== 'number') return false;
  if (c.newName !== undefined && typeof c.newName !== 'string') return false;
  if (c.flags !== undefined) {
    if (!Array.isArray(c.flags)) return false;
    for (const f of c.flags as unknown[]) {
      const s = f as Record<string, unknown>;
      if (typeof s !== 'object' || s === null || !Number.isInteger(s.uid) || typeof s.modseq !== 'number') return false;
      if (!Array.isArray(s.flags) || !Array.isArray(s.keywords) || ![...s.flags, ...s.keywords].every((x) => typeof x === 'string')) return false;
    }
  }
  return true;
}

/** In-process fan-out with optional fs.watch per subscribed account. */
class LocalHub {
  private readonly emitter = new EventEmitter();
  private readonly watchers = new Map<string, AccountWatcher>();

  constructor(private readonly watchOptions: WatchOptions) {
    this.emitter.setMaxListeners(0);
  }

  emit(change: ChangeRecord): void {
    for (const listener of this.emitter.listeners(change.account) as ChangeListener[]) {
      try {
        listener(change);
      } catch {
        // a listener's failure is its own; the writer and other listeners go on
      }
    }
  }

  listenerCount(account: string): number {
    return this.emitter.listenerCount(account);
  }

  add(account: string, listener: ChangeListener): () => void {
    this.emitter.on(account, listener);
    const { rootOf } = this.watchOptions;
    if (rootOf && !this.watchers.has(account)) {
      try {
        const watcher = new AccountWatcher(account, rootOf(account), this.watchOptions.separator ?? '/', (c) => this.emit(c));
        this.watchers.set(account, watcher);
        void watcher.start().catch(() => undefined);
      } catch {
        // no root for this account: nothing to watch
      }
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.emitter.off(account, listener);
      if (this.emitter.listenerCount(account) === 0) {
        this.watchers.get(account)?.close();
        this.watchers.delete(account);
      }
    };
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.emitter.removeAllListeners();
  }
}

/** A notifier for one process: listeners in this process only, plus fs.watch when `rootOf` is given. */
export function createLocalNotifier(options: WatchOptions = {}): ChangeNotifier {
  const hub = new LocalHub(options);
  return {
    async publish(change) {
      hub.emit(change);
    },
    subscribe: (account, listener) => hub.add(account, listener),
    async ready() {},
    async close() {
      hub.close();
    },
  };
}

export interface RedisNotifierOptions extends WatchOptions {
  /** Channel prefix; the channel of an account is "<prefix>:<account>". */
  channelPrefix?: string;
}

/**
 * A notifier over Redis pub/sub: one channel per account. `redis` publishes; a duplicate connection
 * subscribes (created on the first listener). Records echoed back from this process are dropped,
 * since local listeners already had them.
 */
export function createRedisNotifier(redis: Redis, options: RedisNotifierOptions = {}): ChangeNotifier {
  const prefix = options.channelPrefix ?? 'mail:maildir';
  const origin = randomBytes(8).toString('hex');
  /** How JSON.stringify begins the records of this process (see publish). */
  const ownStart = `{"v":1,"origin":"${origin}"`;
  const hub = new LocalHub(options);
  let subscriber: Redis | null = null;
  const pending = new Set<Promise<unknown>>();
  const channelOf = (account: string): string => `${prefix}:${account}`;

  const ensureSubscriber = (): Redis => {
    if (subscriber) return subscriber;
    // The publishing connection may refuse commands while it is not connected (enableOfflineQueue off, as for
    // fail-fast producers); SUBSCRIBE must wait for the connection instead, or the first account's is lost.
    const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    sub.on('error', () => undefined);
    sub.on('message', (channel: string, message: string) => {
      // Our own records come back (we listen on the channels we publish to): known by their start, unparsed.
      if (message.startsWith(ownStart)) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        return;
      }
      const envelope = parsed as { v?: unknown; origin?: unknown; change?: unknown };
      if (envelope.v !== 1 || envelope.origin === origin || !isChangeRecord(envelope.change)) return;
      if (channelOf(envelope.change.account) !== channel) return;
      hub.emit(envelope.change);
    });
    subscriber = sub;
    return sub;
  };

  // Records published in one turn of the event loop (several sessions finishing commands together) go out in
  // one pipelined write: each write to Redis wakes it, and that costs more than the bytes.
  let queued: Array<{ channel: string; message: string; settle: (err: Error | null) => void }> = [];
  const flush = (): void => {
    const batch = queued;
    queued = [];
    const pipeline = redis.pipeline();
    for (const item of batch) pipeline.publish(item.channel, item.message);
    pipeline.exec().then(
      (results) => batch.forEach((item, i) => item.settle(results?.[i]?.[0] ?? null)),
      (err: Error) => batch.forEach((item) => item.settle(err)),
    );
  };

  return {
    publish(change) {
      hub.emit(change);
      return new Promise<void>((resolve, reject) => {
        if (queued.length === 0) setImmediate(flush);
        queued.push({ channel: channelOf(change.account), message: JSON.stringify({ v: 1, origin, change }), settle: (err) => (err ? reject(err) : resolve()) });
      });
    },
    subscribe(account, listener) {
      const first = hub.listenerCount(account) === 0;
      const stop = hub.add(account, listener);
      if (first) {
        const p: Promise<unknown> = ensureSubscriber()
          .subscribe(channelOf(account))
          .catch(() => undefined)
          .finally(() => pending.delete(p));
        pending.add(p);
      }
      return () => {
        stop();
        if (hub.listenerCount(account) === 0 && subscriber) void subscriber.unsubscribe(channelOf(account)).catch(() => undefined);
      };
    },
    async ready() {
      await Promise.all([...pending]);
    },
    async close() {
      if (queued.length > 0) flush();
      hub.close();
      if (subscriber) {
        const sub = subscriber;
        subscriber = null;
        await sub.quit().catch(() => sub.disconnect());
      }
    },
  };
}
