// The Redis session lock against a real Redis: exclusion, renewal, expiry after a crash, loss detection.
import { Redis } from 'ioredis';
import { testRedis, type TestRedis } from '@mail/testing';
import type { Account } from '@mail/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMailboxLocks } from './lock.js';

const account = (address: string): Account => ({ address, passwordHash: '', mailbox: '/x', quota: {}, enabled: true });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await testRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('RedisMailboxLocks', () => {
  it('lets one session per mailbox in, case-insensitively, until it releases', async () => {
    const locks = new RedisMailboxLocks(redis, { prefix: `{${server.prefix}}` });
    const first = await locks.acquire(account('Dave@example.test'));
    expect(first).not.toBeNull();
    expect(await locks.acquire(account('dave@example.test'))).toBeNull();
    expect(await locks.acquire(account('erin@example.test'))).not.toBeNull();
    await first!.release();
    const again = await locks.acquire(account('dave@example.test'));
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('is renewed while held, and expires when its holder is gone', async () => {
    const a = new RedisMailboxLocks(redis, { prefix: `{${server.prefix}}`, ttlMs: 300 });
    const held = await a.acquire(account('frank@example.test'));
    await sleep(700);
    expect(await a.acquire(account('frank@example.test'))).toBeNull();
    expect(await held!.verify()).toBe(true);
    // A crashed holder: nobody renews the key.
    const key = a.key(account('frank@example.test'));
    await redis.set(key, 'someone-dead', 'PX', 200);
    await sleep(300);
    const next = await a.acquire(account('frank@example.test'));
    expect(next).not.toBeNull();
    await next!.release();
  });

  it('notices a lost lock and never removes another holder’s', async () => {
    const locks = new RedisMailboxLocks(redis, { prefix: `{${server.prefix}}` });
    const held = await locks.acquire(account('grace@example.test'));
    const key = locks.key(account('grace@example.test'));
    await redis.set(key, 'other-session');
    expect(await held!.verify()).toBe(false);
    await held!.release();
    expect(await redis.get(key)).toBe('other-session');
    await redis.del(key);
  });
});
