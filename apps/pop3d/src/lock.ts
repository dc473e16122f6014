// The POP3 session lock (RFC 2449 [IN-USE]): one session per mailbox across processes and hosts.
//
// Design: a Redis key per account, `{prefix}:pop3:lock:<address>`, set with SET NX PX and a random token, renewed
// every third of its lifetime while the session lasts, and removed on any exit only if it still holds our token.
// Redis is what every pop3d of an installation shares (processes on one host and hosts on one Maildir volume);
// a process that dies without releasing leaves a key that expires after `ttlMs` (60 s by default), so a crashed
// session blocks its mailbox for at most that long. QUIT checks the lock is still held before deleting anything:
// a session that lost it (Redis restarted, the process stalled past the lifetime) deletes nothing.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Account } from '@mail/auth';
import type { RedisClient } from '@mail/queue';
import type { Logger } from '@mail/log';
import type { MailboxLock, MailboxLocks } from './ports.js';

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisLockOptions {
  /** Key prefix, e.g. `{mail}` (keyPrefix of @mail/queue). */
  prefix: string;
  /** Lifetime of a lock that is not renewed. */
  ttlMs?: number;
  log?: Pick<Logger, 'warn'>;
}

export class RedisMailboxLocks implements MailboxLocks {
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisLockOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  key(account: Account): string {
    return `${this.options.prefix}:pop3:lock:${account.address.toLowerCase()}`;
  }

  async acquire(account: Account): Promise<MailboxLock | null> {
    const key = this.key(account);
    const token = `${hostname()}:${process.pid}:${randomBytes(9).toString('base64url')}`;
    const set = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    if (set !== 'OK') return null;
    return new RedisLock(this.redis, key, token, this.ttlMs, this.options.log);
  }
}

class RedisLock implements MailboxLock {
  private lost = false;
  private released = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
    private readonly log: Pick<Logger, 'warn'> | undefined,
  ) {
    this.timer = setInterval(() => void this.renew().catch((err: unknown) => this.log?.warn({ err, key }, 'cannot renew the mailbox lock')), Math.max(100, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  private async renew(): Promise<boolean> {
    if (this.lost || this.released) return !this.lost && !this.released;
    const renewed = Number(await this.redis.eval(RENEW, 1, this.key, this.token, this.ttlMs));
    if (renewed !== 1) {
      this.lost = true;
      clearInterval(this.timer);
      this.log?.warn({ key: this.key }, 'mailbox lock lost');
    }
    return renewed === 1;
  }

  async verify(): Promise<boolean> {
    try {
      return await this.renew();
    } catch (err) {
      this.log?.warn({ err, key: this.key }, 'cannot check the mailbox lock');
      return false;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    if (this.lost) return;
    try {
      await this.redis.eval(RELEASE, 1, this.key, this.token);
    } catch (err) {
      this.log?.warn({ err, key: this.key }, 'cannot release the mailbox lock; it expires by itself');
    }
  }
}

/** Locks within one process (tests, single-process setups without Redis). */
export class MemoryMailboxLocks implements MailboxLocks {
  private readonly held = new Set<string>();

  isHeld(address: string): boolean {
    return this.held.has(address.toLowerCase());
  }

  async acquire(account: Account): Promise<MailboxLock | null> {
    const key = account.address.toLowerCase();
    if (this.held.has(key)) return null;
    this.held.add(key);
    let released = false;
    return {
      verify: async () => !released,
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(key);
      },
    };
  }
}
