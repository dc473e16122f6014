// Failed-login throttling shared by every daemon through Redis: failures per client address and per login name
// in a sliding window, a doubling delay before failed answers, and a temporary lockout after too many failures.
import { createHash, randomBytes } from 'node:crypto';
import { clientKey } from '@mail/net';
import { Cluster, type Redis } from 'ioredis';

export interface ThrottleSettings {
  /** Sliding window over which failures count, ms. */
  window: number;
  /** Failures in the window answered without delay. */
  freeFailures: number;
  /** First delay, ms; doubles with each further failure. */
  delay: number;
  /** Longest delay, ms. */
  maxDelay: number;
  /** Failures for one login name that lock it out. */
  accountLockout: number;
  /** Failures from one client address (IPv6: its /64) that lock it out. */
  ipLockout: number;
  /** How long a lockout lasts, ms. */
  lockout: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  window: 15 * 60_000,
  freeFailures: 1,
  delay: 1000,
  maxDelay: 16_000,
  accountLockout: 10,
  ipLockout: 30,
  lockout: 15 * 60_000,
};

/** Who is trying to log in: the client address and/or the login name as given. */
export interface LoginSubject {
  ip?: string | undefined;
  account?: string | undefined;
}

export type SubjectKind = 'ip' | 'account';

export type ThrottleCheck = { locked: false } | { locked: true; by: SubjectKind; retryAfterMs: number };

export interface FailureOutcome {
  /** Wait this long before answering the failed attempt. */
  delayMs: number;
  /** Failures now counted in the window. */
  failures: { ip?: number; account?: number };
  /** Lockouts that this failure started. */
  lockedNow: SubjectKind[];
}

export interface Block {
  kind: SubjectKind;
  /** The client key (IPv4 address or IPv6 /64) or the lowercase login name. */
  subject: string;
  /** locked: refused until `until`; delayed: failed answers are being slowed down. */
  state: 'locked' | 'delayed';
  failures: number;
  until?: Date;
}

export interface LoginThrottleOptions {
  /** Key prefix, e.g. `{mail}:auth`; keep a Redis Cluster hash tag in it so each script's keys share a slot. */
  keyPrefix: string;
  settings?: Partial<ThrottleSettings>;
  /** Clock (for tests). */
  now?: () => number;
}

/** `{prefix}:auth`: the key prefix the suite uses under its configured Redis prefix. */
export function throttleKeyPrefix(redisPrefix: string): string {
  return `{${redisPrefix}}:auth`;
}

/** Login names are counted case-insensitively; absurdly long ones by their digest, to bound key sizes. */
/** Configuration keys the throttle reads (structurally a subset of @mail/config's Config). */
export interface ThrottleConfig {
  redis: { prefix: string };
  auth?: { throttle?: Partial<ThrottleSettings> & { enabled?: boolean } };
}

/** The suite's throttle under `{redis.prefix}:auth`, or undefined when `auth.throttle.enabled` is false. */
export function loginThrottleFromConfig(redis: Redis | Cluster, config: ThrottleConfig): LoginThrottle | undefined {
  const { enabled = true, ...settings } = config.auth?.throttle ?? {};
  if (!enabled) return undefined;
  return new LoginThrottle(redis, { keyPrefix: throttleKeyPrefix(config.redis.prefix), settings });
}

function normalizeAccount(name: string): string {
  const n = name.trim().toLowerCase();
  return n.length > 320 ? `sha256:${createHash('sha256').update(n).digest('hex')}` : n;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

export class LoginThrottle {
  readonly settings: ThrottleSettings;
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis | Cluster,
    options: LoginThrottleOptions,
  ) {
    this.settings = { ...DEFAULT_THROTTLE, ...options.settings };
    this.prefix = options.keyPrefix;
    this.now = options.now ?? Date.now;
  }

  private key(what: 'fail' | 'lock', kind: SubjectKind, subject: string): string {
    return `${this.prefix}:${what}:${kind === 'ip' ? 'ip' : 'acct'}:${subject}`;
  }

  /** The counted subjects: [kind, subject, lockout threshold]. */
  private subjects(s: LoginSubject): [SubjectKind, string, number][] {
    const out: [SubjectKind, string, number][] = [];
    const ip = s.ip === undefined ? null : clientKey(s.ip);
    if (ip) out.push(['ip', ip, this.settings.ipLockout]);
    if (s.account !== undefined && s.account.trim() !== '') out.push(['account', normalizeAccount(s.account), this.settings.accountLockout]);
    return out;
  }

  /** Whether the attempt must be refused without looking at the password. */
  async check(s: LoginSubject): Promise<ThrottleCheck> {
    const subjects = this.subjects(s);
    if (!subjects.length) return { locked: false };
    const pipeline = this.redis.pipeline();
    for (const [kind, subject] of subjects) pipeline.pttl(this.key('lock', kind, subject));
    const results = (await pipeline.exec()) ?? [];
    for (let i = 0; i < subjects.length; i++) {
      const [err, ttl] = results[i] ?? [];
      if (err) throw err;
      if (typeof ttl === 'number' && ttl > 0) return { locked: true, by: subjects[i]![0], retryAfterMs: ttl };
      if (ttl === -1) return { locked: true, by: subjects[i]![0], retryAfterMs: this.settings.lockout }; // no expiry: never left so by us
    }
    return { locked: false };
  }

  /** The delay for `failures` counted failures. */
  delayFor(failures: number): number {
    const over = failures - this.settings.freeFailures;
    if (over <= 0 || this.settings.delay === 0) return 0;
    return Math.min(this.settings.delay * 2 ** Math.min(over - 1, 30), this.settings.maxDelay);
  }

  /** Counts one failed attempt; starts lockouts that reach their threshold. */
  async failure(s: LoginSubject): Promise<FailureOutcome> {
    const subjects = this.subjects(s);
    const outcome: FailureOutcome = { delayMs: 0, failures: {}, lockedNow: [] };
    if (!subjects.length) return outcome;
    const now = this.now();
    const member = `${now}:${randomBytes(6).toString('hex')}`;
    const tx = this.redis.multi();
    for (const [kind, subject] of subjects) {
      const key = this.key('fail', kind, subject);
      tx.zremrangebyscore(key, '-inf', now - this.settings.window);
      tx.zadd(key, now, member);
      tx.zcard(key);
      tx.pexpire(key, this.settings.window);
    }
    const results = (await tx.exec()) ?? [];
    const locks = this.redis.multi();
    for (let i = 0; i < subjects.length; i++) {
      const [kind, subject, threshold] = subjects[i]!;
      const [err, count] = results[i * 4 + 2] ?? [];
      if (err) throw err;
      const n = Number(count);
      outcome.failures[kind] = n;
      outcome.delayMs = Math.max(outcome.delayMs, this.delayFor(n));
      if (n >= threshold) {
        outcome.lockedNow.push(kind);
        locks.set(this.key('lock', kind, subject), String(now + this.settings.lockout), 'PX', this.settings.lockout, 'NX');
      }
    }
    if (outcome.lockedNow.length) await locks.exec();
    else locks.discard();
    return outcome;
  }

  /** A successful login: the login name's failures are forgotten (the client address keeps its count). */
  async success(s: LoginSubject): Promise<void> {
    if (s.account === undefined || s.account.trim() === '') return;
    await this.redis.unlink(this.key('fail', 'account', normalizeAccount(s.account)));
  }

  private async scan(pattern: string): Promise<string[]> {
    const nodes = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    const keys: string[] = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
    }
    return [...new Set(keys)];
  }

  /** Current lockouts, and subjects whose failed attempts are being delayed. */
  async blocks(): Promise<Block[]> {
    const now = this.now();
    const prefix = escapeGlob(this.prefix);
    const parse = (key: string, what: string): [SubjectKind, string] | null => {
      const rest = key.slice(this.prefix.length + what.length + 2);
      if (rest.startsWith('ip:')) return ['ip', rest.slice(3)];
      if (rest.startsWith('acct:')) return ['account', rest.slice(5)];
      return null;
    };
    const out = new Map<string, Block>();
    for (const key of await this.scan(`${prefix}:lock:*`)) {
      const s = parse(key, 'lock');
      const ttl = await this.redis.pttl(key);
      if (!s || ttl === -2) continue;
      const failures = await this.redis.zcount(this.key('fail', s[0], s[1]), now - this.settings.window, '+inf');
      out.set(`${s[0]} ${s[1]}`, { kind: s[0], subject: s[1], state: 'locked', failures, until: new Date(now + (ttl > 0 ? ttl : this.settings.lockout)) });
    }
    for (const key of await this.scan(`${prefix}:fail:*`)) {
      const s = parse(key, 'fail');
      if (!s || out.has(`${s[0]} ${s[1]}`)) continue;
      const failures = await this.redis.zcount(key, now - this.settings.window, '+inf');
      if (this.delayFor(failures) > 0) out.set(`${s[0]} ${s[1]}`, { kind: s[0], subject: s[1], state: 'delayed', failures });
    }
    return [...out.values()].sort((a, b) => (a.kind === b.kind ? (a.subject < b.subject ? -1 : 1) : a.kind === 'ip' ? -1 : 1));
  }

  /**
   * Forgets the failures and lifts the lockout of a client address (or its /64) or a login name.
   * Returns how many records were removed (0: nothing was recorded).
   */
  async clear(ipOrAccount: string): Promise<number> {
    const ip = clientKey(ipOrAccount);
    const [kind, subject]: [SubjectKind, string] = ip ? ['ip', ip] : ['account', normalizeAccount(ipOrAccount)];
    return this.redis.unlink(this.key('fail', kind, subject), this.key('lock', kind, subject));
  }
}
