import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueAdmin } from '../src/admin.js';
import { JobActiveError, JobNotFoundError } from '../src/errors.js';
import { jobId } from '../src/names.js';
import { done, failPermanently, retryLater } from '../src/outcome.js';
import { Producer } from '../src/producer.js';
import { createWorker, type Handler, type MailWorker } from '../src/worker.js';
import { deliverJob, eventually, fixture, outboundJob, type Fixture } from './helpers.js';

let fx: Fixture;
let producer: Producer;
let admin: QueueAdmin;
const workers: MailWorker[] = [];

beforeEach(async () => {
  fx = await fixture();
  producer = await Producer.open({ redis: fx.config });
  admin = await QueueAdmin.open({ redis: fx.config });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await admin.close();
  await producer.close();
  await fx.redis.stop();
});

function worker(handler: Handler<'deliver'>): MailWorker {
  const w = createWorker('deliver', handler, { redis: fx.config, retrySchedule: { first: 100, max: 100, giveUp: 600_000 }, stalledInterval: 1000, lockDuration: 5000 });
  workers.push(w);
  return w;
}

async function message(text: string, jobs: 'deliver' | 'both' = 'deliver'): Promise<string> {
  const { spoolId } = await producer.submit(
    Buffer.from(text),
    ({ spoolId, size }) => (jobs === 'both' ? { deliver: deliverJob(spoolId, size), outbound: outboundJob(spoolId, size) } : { deliver: deliverJob(spoolId, size) }),
    { refs: jobs === 'both' ? 2 : 1 },
  );
  return spoolId;
}

const state = async (id: string) => (await admin.get(id))?.state;

describe('queue administration', () => {
  it('lists jobs by state with arrival, size, envelope, attempts and last error', async () => {
    const failing = await message('fail me');
    const deferred = await message('defer me');
    const w = worker(async (job) => (job.data.spoolId === failing ? failPermanently('554 5.7.1 rejected by policy') : retryLater('452 4.2.2 mailbox full', 3_600_000)));
    await eventually(async () => (await state(jobId('deliver', failing))) === 'failed' && (await state(jobId('deliver', deferred))) === 'delayed');
    await w.close();
    const waiting = await message('wait for me', 'both');
    const held = await message('hold me');
    await admin.hold(jobId('deliver', held), 'suspicious');

    const all = await admin.list();
    const byId = new Map(all.map((j) => [j.id, j]));
    expect(all).toHaveLength(5);
    expect(byId.get(jobId('deliver', failing))).toMatchObject({ queue: 'deliver', state: 'failed', lastError: '554 5.7.1 rejected by policy', attempts: 1, size: 7, sender: 'alice@example.org', recipients: [{ address: 'bob@example.test' }] });
    const d = byId.get(jobId('deliver', deferred))!;
    expect(d).toMatchObject({ state: 'delayed', lastError: '452 4.2.2 mailbox full', attempts: 1 });
    // The asked-for hour is cut to the give-up time, ten minutes after arrival.
    expect(d.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);
    expect(d.nextAttemptAt!.getTime()).toBeLessThanOrEqual(d.arrival.getTime() + 600_000 + 1000);
    expect(byId.get(jobId('deliver', waiting))).toMatchObject({ state: 'waiting', spoolId: waiting, messageId: '<1@example.org>' });
    expect(byId.get(jobId('outbound', waiting))).toMatchObject({ queue: 'outbound', state: 'waiting', recipients: [{ address: 'carol@example.net', status: 'pending', attempts: 0 }] });
    expect(byId.get(jobId('deliver', held))).toMatchObject({ state: 'held', held: { reason: 'suspicious' } });
    expect(byId.get(jobId('deliver', held))!.arrival.getTime()).toBeLessThanOrEqual(Date.now());

    expect((await admin.list({ states: ['held'] })).map((j) => j.id)).toEqual([jobId('deliver', held)]);
    expect((await admin.list({ queues: ['outbound'] })).map((j) => j.id)).toEqual([jobId('outbound', waiting)]);
    const counts = await admin.counts();
    expect(counts.deliver).toMatchObject({ waiting: 1, delayed: 1, failed: 1, held: 1, active: 0 });
    expect(counts.outbound.waiting).toBe(1);
  });

  it('shows one job with its data and says when it fails its schema', async () => {
    const spoolId = await message('show me');
    const d = await admin.get(jobId('deliver', spoolId));
    expect(d).toMatchObject({ state: 'waiting', data: { v: 1, spoolId } });
    expect(d?.invalid).toBeUndefined();
    const raw = new Queue('deliver', { connection: producer.client, prefix: producer.prefix });
    await raw.add('deliver', { v: 9 }, { jobId: 'odd-job' });
    await raw.close();
    expect((await admin.get('odd-job'))?.invalid).toMatch(/^v: /);
    expect(await admin.get('no-such-job-d')).toBeUndefined();
    expect(await admin.get('wait')).toBeUndefined();
    await expect(admin.delete('meta')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(admin.delete('x:wait')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('holds a job so no worker runs it until it is released', async () => {
    const held = await message('held');
    const free = await message('free');
    expect(await admin.hold(jobId('deliver', held))).toBe('waiting');
    const ran: string[] = [];
    worker(async (job) => {
      ran.push(job.data.spoolId);
      return done();
    });
    await eventually(() => ran.includes(free));
    await new Promise((r) => setTimeout(r, 1500));
    expect(ran).not.toContain(held);
    expect(await state(jobId('deliver', held))).toBe('held');
    // flush leaves held jobs alone
    await admin.flush();
    await new Promise((r) => setTimeout(r, 500));
    expect(ran).not.toContain(held);
    expect(await producer.spool.exists(held)).toBe(true);
    expect(await admin.release(jobId('deliver', held))).toBe(true);
    expect(await admin.release(jobId('deliver', held))).toBe(false);
    await eventually(() => ran.includes(held));
    await eventually(async () => !(await producer.spool.exists(held)));
    expect(ran.filter((id) => id === held)).toHaveLength(1);
  });

  it('holds a job that is waiting for its retry, and a held job can be deleted', async () => {
    const a = await message('a');
    let runs = 0;
    worker(async () => {
      runs += 1;
      return retryLater('try later', 300);
    });
    await eventually(async () => (await state(jobId('deliver', a))) === 'delayed');
    await admin.hold(jobId('deliver', a));
    const before = runs;
    await new Promise((r) => setTimeout(r, 1200));
    expect(runs).toBeLessThanOrEqual(before + 1);
    const settled = runs;
    await new Promise((r) => setTimeout(r, 800));
    expect(runs).toBe(settled);
    expect(await state(jobId('deliver', a))).toBe('held');
    await admin.delete(jobId('deliver', a));
    expect(await admin.get(jobId('deliver', a))).toBeUndefined();
    expect(await producer.spool.exists(a)).toBe(false);
    expect((await admin.counts()).deliver.held).toBe(0);
  });

  it('holds a job being processed once its current attempt is over', async () => {
    const a = await message('a');
    let runs = 0;
    let finish: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      worker(async () => {
        runs += 1;
        if (runs > 1) return done();
        resolve();
        await new Promise<void>((r) => (finish = r));
        return retryLater('try again', 50);
      });
    });
    await started;
    expect(await admin.hold(jobId('deliver', a))).toBe('active');
    expect(await state(jobId('deliver', a))).toBe('active');
    finish();
    await eventually(async () => (await state(jobId('deliver', a))) === 'held');
    await new Promise((r) => setTimeout(r, 800));
    expect(runs).toBe(1);
    await admin.release(jobId('deliver', a));
    await eventually(() => runs === 2);
    await eventually(async () => !(await producer.spool.exists(a)));
  });

  it('flushes: every delayed job runs now', async () => {
    const a = await message('a');
    const ran: number[] = [];
    worker(async (job) => {
      ran.push(job.attempt);
      return job.attempt === 1 ? retryLater('later', 3_600_000) : done();
    });
    await eventually(async () => (await state(jobId('deliver', a))) === 'delayed');
    expect(await admin.flush()).toBe(1);
    await eventually(async () => !(await producer.spool.exists(a)));
    expect(ran).toEqual([1, 2]);
  });

  it('deletes one job (releasing its spool reference), refuses active ones, and deletes all', async () => {
    const both = await message('both', 'both');
    await admin.delete(jobId('outbound', both));
    expect((await producer.spool.info(both)).refs).toBe(1);
    await expect(admin.delete(jobId('outbound', both))).rejects.toBeInstanceOf(JobNotFoundError);
    await admin.delete(jobId('deliver', both));
    expect(await producer.spool.exists(both)).toBe(false);

    const busy = await message('busy');
    let finish: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      worker(async () => {
        resolve();
        await new Promise<void>((r) => (finish = r));
        return done();
      });
    });
    await started;
    try {
      await expect(admin.delete(jobId('deliver', busy))).rejects.toBeInstanceOf(JobActiveError);
      const rest = await Promise.all([message('1'), message('2', 'both'), message('3')]);
      expect(await admin.deleteAll()).toEqual({ deleted: 4, active: 1 });
      for (const id of rest) expect(await producer.spool.exists(id)).toBe(false);
    } finally {
      finish();
    }
    await eventually(async () => !(await producer.spool.exists(busy)));
  });

  it('requeues a failed job with a fresh attempt count', async () => {
    const a = await message('a');
    let fail = true;
    const attempts: number[] = [];
    worker(async (job) => {
      attempts.push(job.attempt);
      return fail ? failPermanently('broken') : done();
    });
    await eventually(async () => (await state(jobId('deliver', a))) === 'failed');
    fail = false;
    await admin.requeue(jobId('deliver', a));
    await eventually(async () => !(await producer.spool.exists(a)));
    expect(attempts).toEqual([1, 1]);
  });

  it('sweeps spool entries that no job refers to', async () => {
    const orphan = await producer.spool.put(Buffer.from('orphan'), { refs: 2 });
    const queued = await message('queued');
    const failed = await message('failed');
    worker(async (job) => (job.data.spoolId === failed ? failPermanently('x') : retryLater('later', 3_600_000)));
    await eventually(async () => (await state(jobId('deliver', failed))) === 'failed' && (await state(jobId('deliver', queued))) === 'delayed');
    expect(await admin.sweepSpool({ olderThan: 3_600_000 })).toEqual({ checked: 0, deleted: 0 });
    await new Promise((r) => setTimeout(r, 5));
    expect(await admin.sweepSpool({ olderThan: 0 })).toEqual({ checked: 3, deleted: 1 });
    expect(await producer.spool.exists(orphan)).toBe(false);
    expect(await producer.spool.exists(queued)).toBe(true);
    expect(await producer.spool.exists(failed)).toBe(true);
  });

  it('workers sweep the spool now and then', async () => {
    const orphan = await producer.spool.put(Buffer.from('orphan'), { refs: 1 });
    const { spoolId: queued } = await producer.submit(Buffer.from('q'), ({ spoolId, size }) => ({ outbound: outboundJob(spoolId, size) }), { refs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    workers.push(createWorker('deliver', async () => done(), { redis: fx.config, spoolSweepInterval: 200, spoolSweepAge: 0 }));
    await eventually(async () => !(await producer.spool.exists(orphan)));
    expect(await producer.spool.exists(queued)).toBe(true);
  });
});
