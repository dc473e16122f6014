// The progress record's lifetime against a real Redis: long while the job runs, short once it is done, set by the
// job's last write itself when the caller says it is the last.
import { testRedis, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressStore } from './progress.js';

const RUNNING = 10 * 86_400_000;
const DONE = 86_400_000;

let server: TestRedis;
let client: Redis;
let store: ProgressStore;

beforeAll(async () => {
  server = await testRedis();
  client = new Redis(server.url);
  store = new ProgressStore(client as never, { prefix: server.prefix, retentionMs: RUNNING, doneRetentionMs: DONE });
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

const delivered = { state: 'delivered' as const, address: 'bob@example.test' };
const ttl = (id: string): Promise<number> => client.pttl(store.key(id));

describe('ProgressStore', () => {
  it('keeps a running job for long, and shortens the record at finish', async () => {
    const p = await store.load('a');
    await store.record(p, { targets: { '0/0': delivered } });
    expect(await ttl('a')).toBeGreaterThan(DONE);
    await store.finish(p);
    expect(await ttl('a')).toBeLessThanOrEqual(DONE);
    expect((await store.load('a')).target('0/0')).toEqual(delivered);
  });

  it('gives the done lifetime with the last write, and finish then sends nothing', async () => {
    const p = await store.load('b');
    await store.record(p, { targets: { '0/0': delivered }, recipients: [0] }, { last: true });
    expect(await ttl('b')).toBeLessThanOrEqual(DONE);
    await client.pexpire(store.key('b'), 5 * DONE); // finish() must leave this alone
    await store.finish(p);
    expect(await ttl('b')).toBeGreaterThan(DONE);
  });

  it('goes back to the running lifetime when something is written after a "last" write', async () => {
    const p = await store.load('c');
    await store.record(p, { targets: { '0/0': delivered } }, { last: true });
    await store.record(p, { warned: { '0/0': 'r1' } });
    expect(await ttl('c')).toBeGreaterThan(DONE);
    await store.finish(p);
    expect(await ttl('c')).toBeLessThanOrEqual(DONE);
  });
});
