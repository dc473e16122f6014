import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnRedis } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueAdmin } from '../src/admin.js';
import { EnqueueError } from '../src/errors.js';
import { jobId } from '../src/names.js';
import { Producer } from '../src/producer.js';
import { waitReady } from '../src/redis.js';
import { createWorker } from '../src/worker.js';
import { deliverJob, eventually, fixture, outboundJob, type Fixture } from './helpers.js';

describe('stalled jobs', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await fixture();
  });
  afterAll(async () => {
    await fx.redis.stop();
  });

  it('runs a job again when its worker is killed with SIGKILL in the middle of it', async () => {
    const producer = await Producer.open({ redis: fx.config });
    const body = randomBytes(700_000);
    const { spoolId } = await producer.submit(body, ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size) }), { refs: 1 });
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/stalling-worker.ts', import.meta.url)), JSON.stringify(fx.config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout! });
      const started = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the child worker never took the job')), 20_000);
        lines.on('line', (line) => {
          if (line.startsWith('started ')) {
            clearTimeout(timer);
            resolve(line);
          }
        });
      });
      expect(started).toBe(`started ${jobId('deliver', spoolId)} attempt 1`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const admin = await QueueAdmin.open({ redis: fx.config });
    expect((await admin.get(jobId('deliver', spoolId)))?.state).toBe('active');
    const seen: Buffer[] = [];
    const worker = createWorker(
      'deliver',
      async (job) => {
        seen.push(await job.spool.get(job.data.spoolId));
      },
      { redis: fx.config, lockDuration: 1500, stalledInterval: 500 },
    );
    try {
      await eventually(async () => !(await producer.spool.exists(spoolId)), 20_000);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.equals(body)).toBe(true);
      expect((await admin.get(jobId('deliver', spoolId)))?.state).toBe('completed');
    } finally {
      await worker.close();
      await admin.close();
      await producer.close();
    }
  });
});

describe('Redis down', () => {
  it('producers fail at once while Redis is down and work again once it is back', async () => {
    const server = await spawnRedis();
    const fx = await fixture(server);
    const producer = await Producer.open({ redis: fx.config });
    try {
      const spoolId = await producer.spool.put(Buffer.from('queued before the outage'), { refs: 1 });
      await server.kill();
      const started = Date.now();
      await expect(producer.submit(Buffer.from('m'), ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size) }), { refs: 1 })).rejects.toThrow();
      const error = await producer.enqueue({ deliver: deliverJob(spoolId, 24) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnqueueError);
      expect((error as EnqueueError).uncertain).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
      await server.restart();
      await waitReady(producer.client);
      await producer.enqueue({ deliver: deliverJob(spoolId, 24) });
      const admin = await QueueAdmin.open({ redis: fx.config });
      expect((await admin.get(jobId('deliver', spoolId)))?.state).toBe('waiting');
      await admin.close();
    } finally {
      await producer.close();
      await server.stop();
    }
  });
});

describe('Redis restart', () => {
  it('loses nothing that was enqueued before Redis was killed and restarted (AOF)', async () => {
    const server = await spawnRedis();
    const fx = await fixture(server);
    const producer = await Producer.open({ redis: fx.config });
    try {
      const body = randomBytes(2 * 1024 * 1024 + 7);
      const { spoolId } = await producer.submit(body, ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size), outbound: outboundJob(spoolId, size) }), { refs: 2 });
      await server.restart();
      await waitReady(producer.client);
      expect((await producer.spool.info(spoolId)).refs).toBe(2);

      const got: Array<{ queue: string; body: Buffer }> = [];
      const handler = async (job: { queue: string; data: { spoolId: string }; spool: Producer['spool'] }) => {
        got.push({ queue: job.queue, body: await job.spool.get(job.data.spoolId) });
      };
      const workers = [
        createWorker('deliver', handler, { redis: fx.config, stalledInterval: 1000, lockDuration: 5000 }),
        createWorker('outbound', handler, { redis: fx.config, stalledInterval: 1000, lockDuration: 5000 }),
      ];
      try {
        await eventually(async () => !(await producer.spool.exists(spoolId)), 20_000);
        expect(got.map((g) => g.queue).sort()).toEqual(['deliver', 'outbound']);
        for (const g of got) expect(g.body.equals(body)).toBe(true);

        // Workers ride out a restart while idle and take the next message.
        await server.restart();
        await waitReady(producer.client);
        const second = await producer.submit(Buffer.from('after the restart'), ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size) }), { refs: 1 });
        await eventually(async () => !(await producer.spool.exists(second.spoolId)), 30_000);
        expect(got.at(-1)?.body.toString()).toBe('after the restart');
      } finally {
        await Promise.all(workers.map((w) => w.close()));
      }
    } finally {
      await producer.close();
      await server.stop();
    }
  }, 60_000);
});
