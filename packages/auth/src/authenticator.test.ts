import { testRedis, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, type AuthLogger } from './authenticator.js';
import { MemoryDirectory } from './directory/index.js';
import { dummyVerify, hashPassword, verifyPassword } from './password/index.js';
import { createMechanism } from './sasl/index.js';
import { LoginThrottle } from './throttle/index.js';

let server: TestRedis;
let redis: Redis;
let directory: MemoryDirectory;
let n = 0;

beforeAll(async () => {
  server = await testRedis();
  redis = new Redis(server.url);
  directory = new MemoryDirectory({ configDomains: ['example.test'] });
  await directory.addAccount({ address: 'Alice@example.test', passwordHash: await hashPassword('correct horse') });
  await directory.addAccount({ address: 'off@example.test', passwordHash: await hashPassword('right'), enabled: false });
  await directory.addAccount({ address: 'nopass@example.test', passwordHash: '' });
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

function setup(settings: ConstructorParameters<typeof LoginThrottle>[1]['settings'] = {}) {
  const sleeps: number[] = [];
  const calls = { verify: 0, dummy: 0 };
  const lines: string[] = [];
  const log: AuthLogger = { info: (f, m) => lines.push(`${m} ${JSON.stringify(f)}`), warn: (f, m) => lines.push(`${m} ${JSON.stringify(f)}`) };
  const throttle = new LoginThrottle(redis, { keyPrefix: `{${server.prefix}}:auth${n++}`, settings });
  const auth = new Authenticator({
    directory,
    throttle,
    log,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    passwords: {
      verify: (p, s) => {
        calls.verify++;
        return verifyPassword(p, s);
      },
      dummy: (p) => {
        calls.dummy++;
        return dummyVerify(p);
      },
    },
  });
  return { auth, throttle, sleeps, calls, lines };
}

describe('Authenticator', () => {
  it('logs in with the right password, case-insensitively, and returns the canonical address', async () => {
    const { auth } = setup();
    expect(await auth.verifyPlain('alice@EXAMPLE.TEST', 'correct horse')).toBe('Alice@example.test');
    const r = await auth.login('alice@example.test', 'correct horse', { remoteIp: '192.0.2.1' });
    expect(r.ok && r.account.mailbox).toBe('/var/lib/mail/mailboxes/example.test/Alice/Maildir');
  });

  it('refuses wrong passwords, unknown users, disabled accounts and empty hashes alike', async () => {
    const { auth, calls, lines } = setup({ freeFailures: 100 });
    for (const [user, pw] of [
      ['alice@example.test', 'wrong'],
      ['nobody@example.test', 'x'],
      ['off@example.test', 'right'],
      ['nopass@example.test', ''],
    ] as const) {
      expect(await auth.login(user, pw)).toEqual({ ok: false, reason: 'credentials' });
    }
    expect(calls).toEqual({ verify: 2, dummy: 2 });
    expect(lines.join('\n')).not.toMatch(/wrong"|correct horse|"right"/);
  });

  it('gives unknown users the cost of a real verification', async () => {
    const { auth } = setup({ freeFailures: 100, accountLockout: 100, ipLockout: 100 });
    const time = async (user: string) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) await auth.login(user, 'guess');
      return Number(process.hrtime.bigint() - t);
    };
    await time('alice@example.test'); // warm up
    const known = await time('alice@example.test');
    const unknown = await time('ghost@example.test');
    expect(unknown / known).toBeGreaterThan(0.33);
    expect(unknown / known).toBeLessThan(3);
  });

  it('delays repeated failures, locks out, and then does not even verify', async () => {
    const { auth, sleeps, calls } = setup({ freeFailures: 1, delay: 1000, maxDelay: 4000, accountLockout: 4, ipLockout: 100, lockout: 60_000 });
    const ctx = { remoteIp: '198.51.100.1' };
    for (let i = 0; i < 4; i++) expect(await auth.login('alice@example.test', 'bad', ctx)).toEqual({ ok: false, reason: 'credentials' });
    expect(sleeps).toEqual([1000, 2000, 4000]);
    const verifies = calls.verify;
    const locked = await auth.login('alice@example.test', 'correct horse', ctx);
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    expect(calls.verify).toBe(verifies);
    expect(await auth.storedSecret('alice@example.test')).toBeNull();
  });

  it('resets the login name after a success', async () => {
    const { auth, throttle } = setup({ freeFailures: 0, accountLockout: 3, ipLockout: 100 });
    await auth.login('alice@example.test', 'bad');
    await auth.login('alice@example.test', 'bad');
    expect((await auth.login('alice@example.test', 'correct horse')).ok).toBe(true);
    expect((await throttle.failure({ account: 'alice@example.test' })).failures.account).toBe(1);
  });

  it('counts per client address through forClient, and takes reports from challenge-response exchanges', async () => {
    const { auth, throttle } = setup({ ipLockout: 3, accountLockout: 100 });
    const client = auth.forClient({ remoteIp: '203.0.113.9' });
    expect(await client.verifyPlain('alice@example.test', 'bad')).toBeNull();
    expect(await client.verifyPlain('bob@example.test', 'bad')).toBeNull();
    expect(await client.storedSecret('alice@example.test')).toEqual({ account: 'Alice@example.test', stored: expect.stringMatching(/^\{ARGON2ID\}/) });
    await client.report('alice@example.test', false);
    expect(await throttle.check({ ip: '203.0.113.9' })).toMatchObject({ locked: true, by: 'ip' });
    expect(await client.verifyPlain('alice@example.test', 'correct horse')).toBeNull();
    expect(await auth.forClient({ remoteIp: '203.0.113.10' }).verifyPlain('alice@example.test', 'correct horse')).toBe('Alice@example.test');
  });

  it('withholds stored secrets of disabled and unknown accounts', async () => {
    const { auth } = setup();
    expect(await auth.storedSecret('off@example.test')).toBeNull();
    expect(await auth.storedSecret('ghost@example.test')).toBeNull();
    expect(await auth.storedSecret('nopass@example.test')).toBeNull();
  });

  it('lets logins through when Redis is unreachable, or refuses them when failing closed', async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => undefined);
    const throttle = new LoginThrottle(dead, { keyPrefix: '{x}:auth' });
    const open = new Authenticator({ directory, throttle });
    expect(await open.verifyPlain('alice@example.test', 'correct horse')).toBe('Alice@example.test');
    const closed = new Authenticator({ directory, throttle, throttleFailure: 'closed' });
    expect(await closed.login('alice@example.test', 'correct horse')).toEqual({ ok: false, reason: 'locked' });
    dead.disconnect();
  });

  it('serves the SASL PLAIN mechanism', async () => {
    const { auth } = setup({ freeFailures: 100 });
    const plain = (text: string) => createMechanism('PLAIN', auth.forClient({ remoteIp: '192.0.2.50' }), { hostname: 'mail.example.test' })!.start(Buffer.from(text));
    expect(await plain('\0ALICE@example.test\0correct horse')).toEqual({ kind: 'success', authcid: 'Alice@example.test', authzid: 'Alice@example.test' });
    expect(await plain('\0alice@example.test\0wrong')).toMatchObject({ kind: 'failure', reason: 'credentials' });
    expect(await plain('\0off@example.test\0right')).toMatchObject({ kind: 'failure', reason: 'credentials' });
  });
});
