// The LoginGate over a real LoginThrottle in Redis: lockout by client address, the failure delay, success, and
// logins going through when Redis cannot be reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle } from '@mail/auth';
import { parseConfig } from '@mail/config';
import { createLogger } from '@mail/log';
import { closeRedis, createRedis, waitReady, type RedisClient } from '@mail/queue';
import { testRedis, type TestRedis } from '@mail/testing';
import { throttleGate } from './gate.js';

const log = createLogger('test', { level: 'silent' });
let redis: TestRedis;
let client: RedisClient;
beforeAll(async () => {
  redis = await testRedis();
  client = createRedis(parseConfig({ redis: { url: redis.url, prefix: redis.prefix } }).redis, { role: 'producer' });
  await waitReady(client);
});
afterAll(async () => {
  if (client) await closeRedis(client);
  await redis?.stop();
});

describe('throttleGate', () => {
  it('delays failures, then refuses a locked-out address until the lockout ends', async () => {
    const throttle = new LoginThrottle(client, { keyPrefix: `{${redis.prefix}}:auth`, settings: { freeFailures: 1, delay: 40, ipLockout: 3, lockout: 60_000 } });
    const slept: number[] = [];
    const gate = throttleGate(throttle, { log, sleep: async (ms) => void slept.push(ms) });
    const ip = '192.0.2.10';
    for (let i = 0; i < 3; i++) {
      expect(await gate.check(ip)).toEqual({ allowed: true });
      await gate.record(ip, { ok: false, mechanism: 'PLAIN' });
    }
    expect(slept).toEqual([40, 80]);
    const locked = await gate.check(ip);
    expect(locked.allowed).toBe(false);
    expect(!locked.allowed && locked.retryAfterMs).toBeGreaterThan(50_000);
    expect(await gate.check('192.0.2.11')).toEqual({ allowed: true });
    await gate.record('192.0.2.11', { ok: true, mechanism: 'PLAIN', authcid: 'alice@local.test' });
  });

  it('only checks when the SASL backend counts outcomes itself', async () => {
    const throttle = new LoginThrottle(client, { keyPrefix: `{${redis.prefix}}:auth2`, settings: { freeFailures: 0, delay: 40, ipLockout: 1 } });
    const slept: number[] = [];
    const gate = throttleGate(throttle, { log, recordOutcomes: false, sleep: async (ms) => void slept.push(ms) });
    await gate.record('192.0.2.20', { ok: false, mechanism: 'PLAIN' });
    expect(await gate.check('192.0.2.20')).toEqual({ allowed: true });
    expect(slept).toEqual([]);
    await throttle.failure({ ip: '192.0.2.20', account: 'x@local.test' }); // as the Authenticator counts it
    expect((await gate.check('192.0.2.20')).allowed).toBe(false);
  });

  it('lets logins through when the throttle fails', async () => {
    const broken = { check: () => Promise.reject(new Error('down')), failure: () => Promise.reject(new Error('down')), success: () => Promise.reject(new Error('down')) };
    const gate = throttleGate(broken as unknown as LoginThrottle, { log });
    expect(await gate.check('192.0.2.1')).toEqual({ allowed: true });
    await expect(gate.record('192.0.2.1', { ok: false, mechanism: 'PLAIN' })).resolves.toBeUndefined();
  });
});
