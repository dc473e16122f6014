// limits.connectionsPerUser over every imapd sharing one Redis (processes on one host, hosts on one Maildir volume).
//
// Design: a sorted set per account, `{prefix}:imapd:sessions:<address>`, one member per logged-in session
// ("<host>:<pid>:<random>:<n>") scored with the time it expires. A login runs one script that drops expired
// members, counts the rest and adds its own when there is room; the time is Redis's (TIME), so hosts with skewed
// clocks agree. Every process renews its members every third of their lifetime and removes them when the session
// ends; a process that dies leaves members that expire after `ttlMs` (60 s by default), so a crash blocks an
// account's slots for at most that long. The in-process count is kept too: when Redis cannot be reached, logins
// are held to this process's count alone (failing open, with a warning) rather than refused.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@mail/log';
import type { RedisClient } from '@mail/queue';
import { UserSessions, type UserSessionLimit } from './context.js';

// Redis before 7 refuses writes after TIME in a script unless effects replication is switched on.
const NOW = "if redis.replicate_commands then redis.replicate_commands() end local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;
const RENEW = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

export interface RedisUserSessionsOptions {
  /** Key prefix, e.g. `{mail}` (keyPrefix of @mail/queue). */
  prefix: string;
  /** Sessions one account may hold over every process. */
  max: number;
  /** Lifetime of a member that is not renewed. */
  ttlMs?: number;
  log?: Pick<Logger, 'warn'>;
}

export class RedisUserSessions implements UserSessionLimit {
  private readonly local: UserSessions;
  private readonly ttlMs: number;
  private readonly id = `${hostname()}:${process.pid}:${randomBytes(6).toString('base64url')}`;
  private next = 0;
  /** Members this process holds, by key. */
  private readonly held = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisUserSessionsOptions,
  ) {
    this.local = new UserSessions(options.max);
    this.ttlMs = options.ttlMs ?? 60_000;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  key(account: string): string {
    return `${this.options.prefix}:imapd:sessions:${account.toLowerCase()}`;
  }

  async acquire(account: string): Promise<(() => void) | null> {
    const releaseLocal = await this.local.acquire(account);
    if (!releaseLocal) return null;
    const key = this.key(account);
    const member = `${this.id}:${++this.next}`;
    try {
      const taken = Number(await this.redis.eval(ACQUIRE, 1, key, this.options.max, this.ttlMs, member));
      if (taken !== 1) {
        releaseLocal();
        return null;
      }
    } catch (err) {
      this.options.log?.warn({ err, key }, 'cannot count the account sessions in Redis; this process counts alone');
      return releaseLocal;
    }
    let members = this.held.get(key);
    if (!members) this.held.set(key, (members = new Set()));
    members.add(member);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      releaseLocal();
      members.delete(member);
      if (members.size === 0 && this.held.get(key) === members) this.held.delete(key);
      this.redis.zrem(key, member).catch((err: unknown) => this.options.log?.warn({ err, key }, 'cannot remove an ended session from Redis; it expires on its own'));
    };
  }

  private async renew(): Promise<void> {
    await Promise.all(
      [...this.held].map(async ([key, members]) => {
        if (members.size === 0) return;
        try {
          await this.redis.eval(RENEW, 1, key, this.ttlMs, ...members);
        } catch (err) {
          this.options.log?.warn({ err, key }, 'cannot renew the account sessions in Redis');
        }
      }),
    );
  }

  /** Stops renewing (sessions end on their own at stop and release their members). */
  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
