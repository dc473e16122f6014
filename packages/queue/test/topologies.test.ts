import { randomBytes } from 'node:crypto';
import { Redis as RedisSchema } from '@mail/config';
import { describe, expect, it } from 'vitest';
import { QueueAdmin } from '../src/admin.js';
import { jobId } from '../src/names.js';
import { Producer } from '../src/producer.js';
import type { RedisConfig } from '../src/redis.js';
import { createWorker } from '../src/worker.js';
import { deliverJob, eventually, outboundJob } from './helpers.js';
import { spawnCluster, spawnSentinel } from './topologies.js';

/** Spool, enqueue both jobs, hold and release one, consume both: the whole API over one topology. */
async function roundTrip(config: RedisConfig): Promise<void> {
  const producer = await Producer.open({ redis: config });
  const admin = await QueueAdmin.open({ redis: config });
  const body = randomBytes(600_000);
  const seen: string[] = [];
  const handler = async (job: { queue: string; data: { spoolId: string }; spool: Producer['spool'] }) => {
    expect((await job.spool.get(job.data.spoolId)).equals(body)).toBe(true);
    seen.push(job.queue);
  };
  const workers = [createWorker('deliver', handler, { redis: config }), createWorker('outbound', handler, { redis: config })];
  try {
    const { spoolId } = await producer.submit(body, ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size), outbound: outboundJob(spoolId, size) }), { refs: 2 });
    await eventually(() => seen.length === 2);
    expect(seen.sort()).toEqual(['deliver', 'outbound']);
    await eventually(async () => !(await producer.spool.exists(spoolId)));

    await Promise.all(workers.splice(0).map((w) => w.close()));
    const second = await producer.submit(Buffer.from('held'), ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size) }), { refs: 1 });
    await admin.hold(jobId('deliver', second.spoolId));
    expect((await admin.list({ states: ['held'] })).map((j) => j.id)).toEqual([jobId('deliver', second.spoolId)]);
    workers.push(createWorker('deliver', async () => undefined, { redis: config }));
    await admin.release(jobId('deliver', second.spoolId));
    await eventually(async () => !(await producer.spool.exists(second.spoolId)));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await admin.close();
    await producer.close();
  }
}

describe('topologies', () => {
  it('works through Redis Sentinel', async () => {
    const s = await spawnSentinel();
    try {
      await roundTrip(RedisSchema.parse({ url: 'redis://127.0.0.1:1/0', prefix: s.master.prefix, sentinel: { name: 'mymaster', sentinels: [{ host: '127.0.0.1', port: s.sentinelPort }] } }));
    } finally {
      await s.stop();
    }
  }, 60_000);

  it('works on a Redis Cluster: every key in one slot, transactions and scripts included', async () => {
    const c = await spawnCluster();
    try {
      await roundTrip(RedisSchema.parse({ prefix: 'mail', cluster: { nodes: c.ports.map((port) => ({ host: '127.0.0.1', port })) } }));
    } finally {
      await c.stop();
    }
  }, 60_000);
});
