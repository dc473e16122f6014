import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpoolIdInvalidError, SpoolIdTakenError, SpoolNotFoundError, SpoolTooLargeError } from '../src/errors.js';
import { closeRedis, createRedis, keyPrefix, waitReady, type RedisClient } from '../src/redis.js';
import { Spool } from '../src/spool.js';
import { newSpoolId } from '../src/spool-id.js';
import { fixture, type Fixture } from './helpers.js';

let fx: Fixture;
let client: RedisClient;
let spool: Spool;

beforeAll(async () => {
  fx = await fixture();
  client = createRedis(fx.config, { role: 'producer' });
  await waitReady(client);
  spool = new Spool(client, { prefix: keyPrefix(fx.config) });
});
afterAll(async () => {
  await closeRedis(client);
  await fx.redis.stop();
});

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('spool', () => {
  it('stores a multi-megabyte message from a stream in bounded chunks and reads it back whole and streamed', async () => {
    const body = randomBytes(5 * 1024 * 1024 + 12_345);
    // Feed it in odd-sized pieces, as a socket would.
    const pieces: Buffer[] = [];
    for (let i = 0; i < body.length; i += 70_001) pieces.push(body.subarray(i, i + 70_001));
    const id = await spool.put(Readable.from(pieces), { refs: 1 });
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    expect(await spool.size(id)).toBe(body.length);
    const chunkLengths = await client.eval(`local t = {} for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do t[#t+1] = #v end return t`, 1, spool.dataKey(id));
    expect(Math.max(...(chunkLengths as number[]))).toBe(spool.chunkSize);
    expect((chunkLengths as number[]).length).toBe(Math.ceil(body.length / spool.chunkSize));
    expect((await spool.get(id)).equals(body)).toBe(true);
    const streamed = spool.stream(id);
    let reads = 0;
    streamed.on('data', () => reads++);
    expect((await collect(streamed)).equals(body)).toBe(true);
    expect(reads).toBeGreaterThan(1);
    expect(await client.pttl(spool.dataKey(id))).toBe(-1);
  });

  it('stores Buffers, empty messages and strings', async () => {
    const a = await spool.put(Buffer.from('Subject: hi\r\n\r\nbody\r\n'), { refs: 1 });
    expect((await spool.get(a)).toString()).toBe('Subject: hi\r\n\r\nbody\r\n');
    const empty = await spool.put(Buffer.alloc(0), { refs: 1 });
    expect(await spool.size(empty)).toBe(0);
    expect((await spool.get(empty)).length).toBe(0);
    expect((await collect(spool.stream(empty))).length).toBe(0);
    const s = await spool.put(Readable.from(['a', 'b', 'c']), { refs: 1 });
    expect((await spool.get(s)).toString()).toBe('abc');
  });

  it('deletes the message when the last reference is released, and not before', async () => {
    const id = await spool.put(Buffer.from('x'.repeat(1000)), { refs: 2 });
    expect((await spool.info(id)).refs).toBe(2);
    expect(await spool.release(id)).toBe(1);
    expect(await spool.exists(id)).toBe(true);
    expect(await spool.retain(id, 2)).toBe(3);
    expect(await spool.release(id)).toBe(2);
    expect(await spool.release(id)).toBe(1);
    expect(await spool.release(id)).toBe(0);
    expect(await spool.exists(id)).toBe(false);
    expect(await client.exists(spool.dataKey(id), spool.metaKey(id))).toBe(0);
    expect(await client.zscore(spool.indexKey(), id)).toBeNull();
    expect(await spool.release(id)).toBeNull();
    await expect(spool.retain(id)).rejects.toBeInstanceOf(SpoolNotFoundError);
    await expect(spool.get(id)).rejects.toBeInstanceOf(SpoolNotFoundError);
    await expect(collect(spool.stream(id))).rejects.toBeInstanceOf(SpoolNotFoundError);
  });

  it('counts a holder’s release once', async () => {
    const id = await spool.put(Buffer.from('z'), { refs: 2 });
    expect(await spool.release(id, 'job-a')).toBe(1);
    expect(await spool.release(id, 'job-a')).toBe(1);
    expect(await spool.exists(id)).toBe(true);
    expect(await spool.release(id, 'job-b')).toBe(0);
    expect(await client.exists(spool.releasedKey(id))).toBe(0);
  });

  it('releases concurrently without losing a count', async () => {
    const id = await spool.put(Buffer.from('y'), { refs: 50 });
    const left = await Promise.all(Array.from({ length: 50 }, () => spool.release(id)));
    expect(left.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await spool.exists(id)).toBe(false);
  });

  it('keeps nothing of a message over the size limit or of a failing source', async () => {
    const before = await spool.count();
    await expect(spool.put(Readable.from([randomBytes(300_000), randomBytes(300_000)]), { refs: 1, maxSize: 500_000 })).rejects.toBeInstanceOf(SpoolTooLargeError);
    async function* broken(): AsyncGenerator<Buffer> {
      yield randomBytes(600_000);
      throw new Error('client went away');
    }
    await expect(spool.put(broken(), { refs: 1 })).rejects.toThrow('client went away');
    expect(await spool.count()).toBe(before);
    const [, leftovers] = await client.scan('0', 'MATCH', `${spool.prefix}:spool:*:data`, 'COUNT', 10_000);
    for (const key of leftovers) expect(await client.pttl(key)).toBe(-1);
  });

  it('sweeps only entries not touched since the cutoff', async () => {
    const old = await spool.put(Buffer.from('old'), { refs: 1 });
    const cutoff = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await spool.put(Buffer.from('new'), { refs: 1 });
    expect(await spool.idsOlderThan(cutoff)).toContain(old);
    expect(await spool.idsOlderThan(cutoff)).not.toContain(fresh);
    expect(await spool.sweep(fresh, cutoff)).toBe(false);
    expect(await spool.sweep(old, cutoff)).toBe(true);
    expect(await spool.exists(old)).toBe(false);
    expect(await spool.exists(fresh)).toBe(true);
  });
});

describe('spool.put with a caller-chosen id', () => {
  /** A source that yields `first`, then waits for release() before yielding `rest` (or throwing it). */
  function gated(first: Buffer, rest: Buffer | Error): { source: AsyncGenerator<Buffer>; release: () => void } {
    let release!: () => void;
    const open = new Promise<void>((r) => (release = r));
    async function* source(): AsyncGenerator<Buffer> {
      yield first;
      await open;
      if (rest instanceof Error) throw rest;
      yield rest;
    }
    return { source: source(), release };
  }

  async function keysOf(id: string): Promise<number> {
    return client.exists(spool.metaKey(id), spool.dataKey(id), spool.claimKey(id), spool.releasedKey(id));
  }

  it('stores a streamed multi-chunk message under the given id, leaving no claim behind', async () => {
    const id = newSpoolId();
    const body = randomBytes(3 * spool.chunkSize + 777);
    const pieces: Buffer[] = [];
    for (let i = 0; i < body.length; i += 65_537) pieces.push(body.subarray(i, i + 65_537));
    expect(await spool.put(Readable.from(pieces), { id, refs: 3 })).toBe(id);
    expect((await spool.get(id)).equals(body)).toBe(true);
    expect(await client.llen(spool.dataKey(id))).toBe(4);
    expect(await client.pttl(spool.dataKey(id))).toBe(-1);
    expect(await client.exists(spool.claimKey(id))).toBe(0);
    expect(await client.zscore(spool.indexKey(), id)).not.toBeNull();
    const info = await spool.info(id);
    expect([info.size, info.refs]).toEqual([body.length, 3]);
    expect(await spool.release(id)).toBe(2);
    expect(await spool.release(id)).toBe(1);
    expect(await spool.release(id)).toBe(0);
    expect(await keysOf(id)).toBe(0);
  });

  it('stores an empty message under the given id', async () => {
    const id = newSpoolId();
    expect(await spool.put(Buffer.alloc(0), { id, refs: 1 })).toBe(id);
    expect(await spool.size(id)).toBe(0);
    expect(await client.exists(spool.claimKey(id))).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['too short', newSpoolId().slice(1)],
    ['too long', newSpoolId() + '0'],
    ['lower case', newSpoolId().toLowerCase()],
    ['I (not in Crockford base32)', 'I' + newSpoolId().slice(1)],
    ['L', newSpoolId().slice(0, 25) + 'L'],
    ['O', newSpoolId().slice(0, 25) + 'O'],
    ['U', newSpoolId().slice(0, 25) + 'U'],
    ['a key separator', newSpoolId().slice(0, 25) + ':'],
    ['a hash tag', '{mail}' + newSpoolId().slice(6)],
    ['a glob', newSpoolId().slice(0, 25) + '*'],
  ])('refuses an id that is %s, writing nothing', async (_what, id) => {
    const before = await spool.count();
    await expect(spool.put(Buffer.from('x'), { id, refs: 1 })).rejects.toBeInstanceOf(SpoolIdInvalidError);
    expect(await spool.count()).toBe(before);
    expect(await keysOf(id)).toBe(0);
  });

  it('refuses an id already stored, leaving that message as it was', async () => {
    const id = await spool.put(Buffer.from('first'), { refs: 2 });
    const err = await spool.put(Buffer.from('second'), { id, refs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolIdTakenError);
    expect((err as SpoolIdTakenError).reason).toBe('exists');
    expect((await spool.get(id)).toString()).toBe('first');
    expect((await spool.info(id)).refs).toBe(2);
    expect(await client.exists(spool.claimKey(id))).toBe(0);
  });

  it('refuses an id another put is writing, which then completes with its own data', async () => {
    const id = newSpoolId();
    const head = randomBytes(spool.chunkSize + 10);
    const tail = randomBytes(1000);
    const first = gated(head, tail);
    const writing = spool.put(first.source, { id, refs: 1 });
    // Wait until the first put's chunk is in Redis: it is now half-written.
    for (let i = 0; i < 200 && (await client.llen(spool.dataKey(id))) === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await client.llen(spool.dataKey(id))).toBe(1);
    const err = await spool.put(Buffer.from('intruder'), { id, refs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolIdTakenError);
    expect((err as SpoolIdTakenError).reason).toBe('writing');
    first.release();
    expect(await writing).toBe(id);
    expect((await spool.get(id)).equals(Buffer.concat([head, tail]))).toBe(true);
  });

  it('refuses an id whose chunks are pending without a claim (a put under a spool-made id)', async () => {
    const id = newSpoolId();
    await client.multi().rpush(spool.dataKey(id), 'partial').pexpire(spool.dataKey(id), 60_000).exec();
    const err = await spool.put(Buffer.from('x'), { id, refs: 1 }).catch((e: unknown) => e);
    expect((err as SpoolIdTakenError).reason).toBe('writing');
    expect(await client.lrange(spool.dataKey(id), 0, -1)).toEqual(['partial']);
    await client.del(spool.dataKey(id));
  });

  it('keeps nothing of a failing source or an oversized message, and frees the id again', async () => {
    const id = newSpoolId();
    const broken = gated(randomBytes(spool.chunkSize * 2), new Error('client went away'));
    broken.release();
    await expect(spool.put(broken.source, { id, refs: 1 })).rejects.toThrow('client went away');
    expect(await keysOf(id)).toBe(0);
    await expect(spool.put(Readable.from([randomBytes(300_000), randomBytes(300_000)]), { id, refs: 1, maxSize: 500_000 })).rejects.toBeInstanceOf(
      SpoolTooLargeError,
    );
    expect(await keysOf(id)).toBe(0);
    expect(await spool.put(Buffer.from('third time'), { id, refs: 1 })).toBe(id);
    expect((await spool.get(id)).toString()).toBe('third time');
  });

  it('fails the put, committing nothing, when a chunk write fails behind the pipelined commit', async () => {
    const small = new Spool(client, { prefix: spool.prefix, chunkSize: 1024 });
    const id = newSpoolId();
    const before = await small.count();
    async function* sabotaged(): AsyncGenerator<Buffer> {
      yield randomBytes(1024);
      // The next chunk writes hit a key of the wrong type and fail; the count check alone must not be trusted to notice.
      await client.del(small.dataKey(id));
      await client.set(small.dataKey(id), 'not a list');
      yield randomBytes(1500);
    }
    await expect(small.put(sabotaged(), { id, refs: 1 })).rejects.toThrow(/WRONGTYPE/);
    expect(await small.exists(id)).toBe(false);
    expect(await small.count()).toBe(before);
    expect(await client.exists(small.claimKey(id))).toBe(0);
  });

  it('discards the entry when a chunk write reports an error although the pipelined commit succeeded', async () => {
    // A write applied by Redis whose reply is lost (a dropped connection) leaves the chunk count right: the put must still fail.
    const faulty = createRedis(fx.config, { role: 'producer' });
    await waitReady(faulty);
    try {
      const small = new Spool(faulty, { prefix: spool.prefix, chunkSize: 1024 });
      const multi = faulty.multi.bind(faulty) as () => ReturnType<RedisClient['multi']>;
      let calls = 0;
      (faulty as unknown as { multi: () => ReturnType<RedisClient['multi']> }).multi = () => {
        const m = multi();
        if (++calls === 2) {
          const exec = m.exec.bind(m);
          m.exec = (async () => {
            await exec();
            throw new Error('reply lost');
          }) as typeof m.exec;
        }
        return m;
      };
      const id = newSpoolId();
      const before = await small.count();
      await expect(small.put(Readable.from([randomBytes(3000)]), { id, refs: 1 })).rejects.toThrow('reply lost');
      expect(calls).toBe(3);
      expect(await small.exists(id)).toBe(false);
      expect(await small.count()).toBe(before);
      expect(await keysOf(id)).toBe(0);
    } finally {
      await closeRedis(faulty);
    }
  });
});
