// Tests of change notification: in process, through fs.watch, and through Redis.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeRecord } from './api.js';
import { createLocalNotifier, createRedisNotifier, isChangeRecord } from './notifier.js';

const change = (account: string, uid: number): ChangeRecord => ({ account, folder: 'INBOX', kind: 'append', uids: [uid], time: Date.now() });

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('isChangeRecord', () => {
  it('accepts records and rejects anything else', () => {
    expect(isChangeRecord(change('a@b.test', 1))).toBe(true);
    expect(isChangeRecord({ ...change('a@b.test', 1), flags: [{ uid: 1, flags: ['\\Seen'], keywords: [], modseq: 3 }] })).toBe(true);
    expect(isChangeRecord({ ...change('a@b.test', 1), kind: 'explode' })).toBe(false);
    expect(isChangeRecord({ ...change('a@b.test', 1), uids: [0] })).toBe(false);
    expect(isChangeRecord({ ...change('a@b.test', 1), flags: [{ uid: 1 }] })).toBe(false);
    expect(isChangeRecord(null)).toBe(false);
  });
});

describe('local notifier', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('delivers to listeners of the account until they unsubscribe, and survives a throwing listener', async () => {
    const n = createLocalNotifier();
    const got: number[] = [];
    n.subscribe('a@x.test', () => {
      throw new Error('listener bug');
    });
    const stop = n.subscribe('a@x.test', (c) => got.push(c.uids[0] as number));
    n.subscribe('b@x.test', () => got.push(-1));
    await n.publish(change('a@x.test', 1));
    stop();
    await n.publish(change('a@x.test', 2));
    expect(got).toEqual([1]);
    await n.close();
  });

  it('notices files other programs drop into new/ through fs.watch', async () => {
    const root = join(dir.path, 'Maildir');
    for (const d of ['new', 'cur', 'tmp', '.Sent/new', '.Sent/cur', '.Sent/tmp']) await mkdir(join(root, d), { recursive: true });
    const n = createLocalNotifier({ rootOf: () => root });
    const got: ChangeRecord[] = [];
    n.subscribe('a@x.test', (c) => got.push(c));
    await new Promise((r) => setTimeout(r, 100));
    await writeFile(join(root, '.Sent', 'new', '1.M1P1.elsewhere'), 'x');
    await until(() => got.some((c) => c.folder === 'Sent'));
    expect(got.find((c) => c.folder === 'Sent')).toMatchObject({ account: 'a@x.test', kind: 'sync', uids: [] });
    await n.close();
  });
});

describe('Redis notifier', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(() => redis.stop());

  it('carries change records between processes on one channel per account, without echo', async () => {
    const clientA = new Redis(redis.url);
    const clientB = new Redis(redis.url);
    const a = createRedisNotifier(clientA, { channelPrefix: `${redis.prefix}:maildir` });
    const b = createRedisNotifier(clientB, { channelPrefix: `${redis.prefix}:maildir` });
    try {
      const seenA: number[] = [];
      const seenB: number[] = [];
      a.subscribe('u@x.test', (c) => seenA.push(c.uids[0] as number));
      const stopB = b.subscribe('u@x.test', (c) => seenB.push(c.uids[0] as number));
      b.subscribe('other@x.test', () => seenB.push(-1));
      await Promise.all([a.ready(), b.ready()]);
      await a.publish(change('u@x.test', 1));
      await b.publish(change('u@x.test', 2));
      await clientA.publish(`${redis.prefix}:maildir:u@x.test`, 'not json');
      await clientA.publish(`${redis.prefix}:maildir:u@x.test`, JSON.stringify({ v: 1, origin: 'x', change: { ...change('u@x.test', 3), kind: 'bogus' } }));
      await until(() => seenA.length >= 2 && seenB.length >= 2);
      await new Promise((r) => setTimeout(r, 100));
      // Each listener gets every record once; records from different processes may arrive in either order.
      expect([...seenA].sort()).toEqual([1, 2]);
      expect([...seenB].sort()).toEqual([1, 2]);
      stopB();
      await a.publish(change('u@x.test', 4));
      await until(() => seenA.length === 3);
      await new Promise((r) => setTimeout(r, 100));
      expect(seenB.length).toBe(2);
    } finally {
      await a.close();
      await b.close();
      clientA.disconnect();
      clientB.disconnect();
    }
  });

  it('sends the records of one turn of the event loop together, in order, and fails them together when Redis is gone', async () => {
    const clientA = new Redis(redis.url);
    const clientB = new Redis(redis.url);
    const a = createRedisNotifier(clientA, { channelPrefix: `${redis.prefix}:maildir` });
    const b = createRedisNotifier(clientB, { channelPrefix: `${redis.prefix}:maildir` });
    try {
      const seen: string[] = [];
      b.subscribe('p@x.test', (c) => seen.push(`p${c.uids[0]}`));
      b.subscribe('q@x.test', (c) => seen.push(`q${c.uids[0]}`));
      await b.ready();
      await Promise.all([1, 2, 3].flatMap((n) => [a.publish(change('p@x.test', n)), a.publish(change('q@x.test', n))]));
      await until(() => seen.length === 6);
      expect(seen.filter((s) => s.startsWith('p'))).toEqual(['p1', 'p2', 'p3']);
      expect(seen.filter((s) => s.startsWith('q'))).toEqual(['q1', 'q2', 'q3']);
      const offline = new Redis(redis.url, { enableOfflineQueue: false, lazyConnect: true });
      offline.on('error', () => undefined);
      const c = createRedisNotifier(offline, { channelPrefix: `${redis.prefix}:maildir` });
      const results = await Promise.allSettled([c.publish(change('p@x.test', 8)), c.publish(change('p@x.test', 9))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await c.close();
      offline.disconnect();
    } finally {
      await a.close();
      await b.close();
      clientA.disconnect();
      clientB.disconnect();
    }
  });

  it('subscribes while still connecting even when the publishing client refuses offline commands', async () => {
    // A fail-fast producer connection (enableOfflineQueue off), as imapd's: its first subscription must not be lost.
    const clientA = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const clientB = new Redis(redis.url);
    const a = createRedisNotifier(clientA, { channelPrefix: `${redis.prefix}:maildir` });
    const b = createRedisNotifier(clientB, { channelPrefix: `${redis.prefix}:maildir` });
    try {
      const seen: number[] = [];
      a.subscribe('first@x.test', (c) => seen.push(c.uids[0] as number));
      await a.ready();
      await b.publish(change('first@x.test', 7));
      await until(() => seen.length === 1);
      expect(seen).toEqual([7]);
    } finally {
      await a.close();
      await b.close();
      clientA.disconnect();
      clientB.disconnect();
    }
  });
});
