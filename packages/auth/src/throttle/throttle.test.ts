import { testRedis, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle, type ThrottleSettings } from './throttle.js';

let server: TestRedis;
let redis: Redis;
let n = 0;

beforeAll(async () => {
  server = await testRedis();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

function throttle(settings: Partial<ThrottleSettings> = {}, now?: () => number): LoginThrottle {
  return new LoginThrottle(redis, { keyPrefix: `{${server.prefix}}:auth${n++}`, settings, ...(now ? { now } : {}) });
}

describe('LoginThrottle', () => {
  it('doubles the delay after the free failures and locks out at the threshold', async () => {
    const t = throttle({ freeFailures: 1, delay: 1000, maxDelay: 8000, accountLockout: 6, ipLockout: 100 });
    const who = { ip: '192.0.2.1', account: 'Alice@example.test' };
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(await t.check(who)).toEqual({ locked: false });
      delays.push((await t.failure(who)).delayMs);
    }
    expect(delays).toEqual([0, 1000, 2000, 4000, 8000]);
    const sixth = await t.failure(who);
    expect(sixth).toEqual({ delayMs: 8000, failures: { ip: 6, account: 6 }, lockedNow: ['account'] });
    const check = await t.check({ account: 'alice@EXAMPLE.test' });
    expect(check).toMatchObject({ locked: true, by: 'account' });
    expect(check.locked && check.retryAfterMs).toBeGreaterThan(0);
    // another name from the same address is not locked
    expect(await t.check({ ip: '192.0.2.1', account: 'bob@example.test' })).toEqual({ locked: false });
  });

  it('locks out a client address across login names, by its /64 for IPv6', async () => {
    const t = throttle({ ipLockout: 3, accountLockout: 100 });
    await t.failure({ ip: '2001:db8:5:6::1', account: 'a@x.test' });
    await t.failure({ ip: '2001:db8:5:6::2', account: 'b@x.test' });
    expect((await t.failure({ ip: '2001:db8:5:6:ffff::3', account: 'c@x.test' })).lockedNow).toEqual(['ip']);
    expect(await t.check({ ip: '2001:db8:5:6::77', account: 'new@x.test' })).toMatchObject({ locked: true, by: 'ip' });
    expect(await t.check({ ip: '2001:db8:5:7::1', account: 'new@x.test' })).toEqual({ locked: false });
  });

  it('counts only failures within the sliding window', async () => {
    let clock = 1_000_000;
    const t = throttle({ window: 60_000, freeFailures: 0, delay: 100, maxDelay: 10_000 }, () => clock);
    const who = { account: 'w@x.test' };
    expect((await t.failure(who)).failures.account).toBe(1);
    clock += 30_000;
    expect((await t.failure(who)).failures.account).toBe(2);
    clock += 40_000; // the first failure is now older than the window
    expect(await t.failure(who)).toMatchObject({ failures: { account: 2 }, delayMs: 200 });
  });

  it('forgets the account failures after a success, not the address failures', async () => {
    const t = throttle({ freeFailures: 0 });
    const who = { ip: '198.51.100.9', account: 'carol@x.test' };
    await t.failure(who);
    await t.failure(who);
    await t.success({ ip: '198.51.100.9', account: 'CAROL@x.test' });
    expect((await t.failure(who)).failures).toEqual({ ip: 3, account: 1 });
  });

  it('lists and clears blocks', async () => {
    const t = throttle({ freeFailures: 1, accountLockout: 2, ipLockout: 50 });
    await t.failure({ ip: '203.0.113.5', account: 'dave@x.test' });
    await t.failure({ ip: '203.0.113.5', account: 'dave@x.test' });
    const blocks = await t.blocks();
    expect(blocks).toEqual([
      { kind: 'ip', subject: '203.0.113.5', state: 'delayed', failures: 2 },
      { kind: 'account', subject: 'dave@x.test', state: 'locked', failures: 2, until: expect.any(Date) },
    ]);
    expect(await t.clear('Dave@X.test')).toBe(2);
    expect(await t.check({ account: 'dave@x.test' })).toEqual({ locked: false });
    expect(await t.clear('203.0.113.5')).toBe(1);
    expect(await t.clear('203.0.113.5')).toBe(0);
    expect(await t.blocks()).toEqual([]);
  });

  it('lifts a lockout when it expires', async () => {
    const t = throttle({ accountLockout: 1, lockout: 200 });
    await t.failure({ account: 'e@x.test' });
    expect((await t.check({ account: 'e@x.test' })).locked).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.check({ account: 'e@x.test' })).toEqual({ locked: false });
  });

  it('ignores subjects it cannot count', async () => {
    const t = throttle();
    expect(await t.failure({ ip: 'not-an-ip', account: '  ' })).toEqual({ delayMs: 0, failures: {}, lockedNow: [] });
    expect(await t.check({})).toEqual({ locked: false });
  });
});
