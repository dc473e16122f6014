// mailctl auth blocks|unblock against a real Redis, with failures recorded the way the daemons record them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LoginThrottle, throttleKeyPrefix } from '@mail/auth';
import { freePort, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli-run.js';

let server: TestRedis;
let redis: Redis;
let dir: TempDir;
let configFile: string;

beforeAll(async () => {
  server = await testRedis();
  redis = new Redis(server.url);
  dir = await tempDir('mailctl-auth-');
  configFile = join(dir.path, 'mail.yaml');
  await writeFile(configFile, `redis:\n  url: ${server.url}\n  prefix: ${server.prefix}\nauth:\n  throttle:\n    accountLockout: 3\n    ipLockout: 50\n`);
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
  await dir.cleanup();
});

async function mailctl(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { MAIL_CONFIG: configFile } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mailctl auth', () => {
  it('lists lockouts and delays, and lifts them', async () => {
    expect(await mailctl(['auth', 'blocks'])).toEqual({ code: 0, out: 'no blocks', err: '' });
    const throttle = new LoginThrottle(redis, { keyPrefix: throttleKeyPrefix(server.prefix), settings: { accountLockout: 3, ipLockout: 50 } });
    for (let i = 0; i < 3; i++) await throttle.failure({ ip: '2001:db8:9:9::1', account: 'Alice@example.test' });
    const blocks = await mailctl(['auth', 'blocks']);
    expect(blocks.code).toBe(0);
    expect(blocks.out).toMatch(/^KIND\s+SUBJECT\s+FAILURES\s+STATE$/m);
    expect(blocks.out).toMatch(/^ip\s+2001:db8:9:9::\/64\s+3\s+failed logins delayed$/m);
    expect(blocks.out).toMatch(/^account\s+alice@example\.test\s+3\s+locked until \d{4}-/m);
    expect(await mailctl(['auth', 'unblock', 'alice@example.test'])).toMatchObject({ code: 0, out: 'cleared alice@example.test' });
    expect((await throttle.check({ account: 'alice@example.test' })).locked).toBe(false);
    expect(await mailctl(['auth', 'unblock', '2001:db8:9:9::77'])).toMatchObject({ code: 0 });
    expect(await mailctl(['auth', 'unblock', '2001:db8:9:9::77'])).toMatchObject({ code: 67, err: expect.stringContaining('nothing is recorded') });
    expect((await mailctl(['auth', 'blocks'])).out).toBe('no blocks');
  });

  it('answers usage errors and an unreachable Redis', async () => {
    expect((await mailctl(['auth'])).code).toBe(64);
    expect((await mailctl(['auth', 'unblock'])).code).toBe(64);
    expect((await mailctl(['auth', 'blocks', 'extra'])).code).toBe(64);
    const dead = join(dir.path, 'dead.yaml');
    await writeFile(dead, `redis:\n  url: redis://127.0.0.1:${await freePort()}/0\n`);
    const out: string[] = [];
    const code = await run(['auth', 'blocks', '--config', dead], { out: (t) => out.push(t), err: (t) => out.push(t), stdin: async () => '', env: {} });
    expect(code).toBe(69);
    expect(out.join('\n')).toContain('cannot reach Redis');
  });
});
