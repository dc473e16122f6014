// limits.connectionsPerUser across processes: two imapd instances, each with its own Redis connection and session
// count (as two processes would have), sharing one Redis and one store; members a crashed process left expire.
import { MemoryStore } from '@mail/maildir';
import { testRedis, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, stopSharedTls, USER, type Harness } from './test-support.js';
import { RedisUserSessions } from './user-sessions.js';

let redis: TestRedis;
/** Each test counts under its own key prefix. */
let prefix = '';
let tests = 0;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  redis = await testRedis();
});
beforeEach(() => {
  prefix = `{${redis.prefix}-${++tests}}`;
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
afterAll(async () => {
  await redis.stop();
  await stopSharedTls();
});

function limiter(max: number, ttlMs?: number): { sessions: RedisUserSessions; client: Redis } {
  const client = new Redis(redis.url);
  const sessions = new RedisUserSessions(client, { prefix, max, ...(ttlMs ? { ttlMs } : {}) });
  closers.push(async () => {
    await sessions.close();
    client.disconnect();
  });
  return { sessions, client };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RedisUserSessions', () => {
  it('counts an account over every instance and gives slots back', async () => {
    const a = limiter(2).sessions;
    const b = limiter(2).sessions;
    const first = await a.acquire('Alice@example.test');
    const second = await b.acquire('alice@example.test');
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(await a.acquire('alice@example.test')).toBeNull();
    expect(await b.acquire('alice@example.test')).toBeNull();
    expect(await b.acquire('bob@example.test')).not.toBeNull();
    first?.();
    first?.();
    await sleep(50);
    const third = await b.acquire('alice@example.test');
    expect(third).not.toBeNull();
    expect(await a.acquire('alice@example.test')).toBeNull();
  });

  it('forgets the sessions of a process that stopped renewing them, and renews its own', async () => {
    const { sessions: live, client } = limiter(2, 300);
    // A crashed process left a member that nobody renews.
    const key = live.key('alice@example.test');
    const [secs, micros] = await client.time();
    await client.zadd(key, Number(secs) * 1000 + Math.floor(Number(micros) / 1000) + 300, 'dead:1:x:1');
    expect(await live.acquire('alice@example.test')).not.toBeNull();
    expect(await live.acquire('alice@example.test')).toBeNull();
    await sleep(700);
    // The dead member expired; the live one was renewed past its first lifetime.
    expect(await client.zrange(key, 0, -1)).toHaveLength(1);
    expect(await live.acquire('alice@example.test')).not.toBeNull();
    expect(await live.acquire('alice@example.test')).toBeNull();
  });
});

describe('two imapd instances sharing one Redis', () => {
  it('refuses a login over limits.connectionsPerUser made on the other instance', async () => {
    const store = new MemoryStore();
    const harnesses: Harness[] = [];
    closers.push(async () => {
      for (const h of harnesses) await h.stop();
      await store.close();
    });
    for (let i = 0; i < 2; i++) {
      harnesses.push(await startHarness({ store, limits: { connectionsPerUser: 2 }, deps: { userSessions: limiter(2).sessions } }));
    }
    const [one, two] = harnesses as [Harness, Harness];
    const a = await one.login();
    await two.login();
    const c = await two.client();
    expect((await c.cmd(`LOGIN ${USER} ${PASSWORD}`)).text).toMatch(/^\[LIMIT\] /);
    const d = await one.client();
    expect((await d.cmd(`LOGIN ${USER} ${PASSWORD}`)).text).toMatch(/^\[LIMIT\] /);
    await a.ok('LOGOUT');
    await sleep(100);
    await c.ok(`LOGIN ${USER} ${PASSWORD}`);
  });
});
