import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnqueueError, JobValidationError } from '../src/errors.js';
import { jobId, type JobTypes } from '../src/names.js';
import { done, failPermanently, retryLater } from '../src/outcome.js';
import { Producer } from '../src/producer.js';
import { createWorker, type JobContext, type MailWorker } from '../src/worker.js';
import { deliverJob, eventually, fixture, outboundJob, type Fixture } from './helpers.js';

let fx: Fixture;
let producer: Producer;
let queues: { deliver: Queue; outbound: Queue };
const workers: MailWorker[] = [];

beforeAll(async () => {
  fx = await fixture();
  producer = await Producer.open({ redis: fx.config });
  queues = {
    deliver: new Queue('deliver', { connection: producer.client, prefix: producer.prefix }),
    outbound: new Queue('outbound', { connection: producer.client, prefix: producer.prefix }),
  };
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
});
afterAll(async () => {
  await queues.deliver.close();
  await queues.outbound.close();
  await producer.close();
  await fx.redis.stop();
});

const fast = { first: 100, max: 200, giveUp: 60_000 };
function worker<Q extends 'deliver' | 'outbound'>(queue: Q, handler: (job: JobContext<Q>) => ReturnType<Parameters<typeof createWorker<Q>>[1]>, schedule = fast): MailWorker {
  const w = createWorker(queue, handler, { redis: fx.config, retrySchedule: schedule, concurrency: 2, stalledInterval: 1000, lockDuration: 5000 });
  workers.push(w);
  return w;
}

describe('enqueue and work', () => {
  it('carries a message through both queues and deletes it after the last job', async () => {
    const body = Buffer.from('From: a@example.org\r\nSubject: round trip\r\n\r\nhello\r\n');
    const { spoolId, ids } = await producer.submit(body, ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size), outbound: outboundJob(spoolId, size) }), { refs: 2 });
    expect(ids).toEqual({ deliver: jobId('deliver', spoolId), outbound: jobId('outbound', spoolId) });
    const seen: Array<{ queue: string; body: string; data: JobTypes['deliver'] | JobTypes['outbound'] }> = [];
    worker('deliver', async (job) => {
      seen.push({ queue: job.queue, body: (await job.spool.get(job.data.spoolId)).toString(), data: job.data });
      return done();
    });
    await eventually(() => seen.length === 1);
    expect(await producer.spool.exists(spoolId)).toBe(true);
    expect((await producer.spool.info(spoolId)).refs).toBe(1);
    worker('outbound', async (job) => {
      expect(job.data.recipients[0]?.status).toBe('pending');
      seen.push({ queue: job.queue, body: (await job.spool.get(job.data.spoolId)).toString(), data: job.data });
    });
    await eventually(() => seen.length === 2);
    expect(seen.map((s) => s.body)).toEqual([body.toString(), body.toString()]);
    expect(seen[0]?.data.sender).toBe('alice@example.org');
    expect(seen[0]?.data.dsn).toEqual({});
    await eventually(async () => !(await producer.spool.exists(spoolId)));
  });

  it('shares the work between several workers, each job handled once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) => producer.submit(Buffer.from(`message ${i}`), ({ spoolId, size }) => ({ deliver: deliverJob(spoolId, size) }), { refs: 1 }).then((r) => r.spoolId)),
    );
    const handled = new Map<string, number>();
    const byWorker = [0, 0, 0];
    for (const n of [0, 1, 2]) {
      const w = createWorker(
        'deliver',
        async (job) => {
          handled.set(job.data.spoolId, (handled.get(job.data.spoolId) ?? 0) + 1);
          byWorker[n]! += 1;
          await new Promise((r) => setTimeout(r, 5));
        },
        { redis: fx.config, concurrency: 4 },
      );
      workers.push(w);
    }
    await eventually(async () => (await producer.spool.count()) === 0 || ids.every((id) => handled.has(id)));
    await eventually(async () => (await Promise.all(ids.map((id) => producer.spool.exists(id)))).every((e) => !e));
    expect(ids.map((id) => handled.get(id))).toEqual(ids.map(() => 1));
    expect(byWorker.filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  it('is idempotent: repeating an enqueue adds nothing', async () => {
    const spoolId = await producer.spool.put(Buffer.from('x'), { refs: 2 });
    const jobs = { deliver: deliverJob(spoolId, 1), outbound: outboundJob(spoolId, 1) };
    await producer.enqueue(jobs);
    await producer.enqueue(jobs);
    await producer.enqueue(jobs);
    const waiting = await queues.deliver.getJobs(['wait'], 0, -1);
    expect(waiting.filter((j) => j.id === jobId('deliver', spoolId))).toHaveLength(1);
    expect(await queues.outbound.getJobCounts('wait')).toMatchObject({ wait: 1 });
  });

  it('is atomic: when Redis refuses one job the other is removed and nothing is queued', async () => {
    const spoolId = await producer.spool.put(Buffer.from('atomic'), { refs: 2 });
    const jobs = { deliver: deliverJob(spoolId, 6), outbound: outboundJob(spoolId, 6) };
    // Break the outbound queue's id counter so its add script fails inside the transaction.
    const counter = `${producer.prefix}:outbound:id`;
    const saved = await producer.client.get(counter);
    await producer.client.del(counter);
    await producer.client.hset(counter, 'broken', '1');
    const before = await queues.deliver.getJobCounts('wait');
    const error = await producer.enqueue(jobs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).uncertain).toBe(false);
    expect(await queues.deliver.getJob(jobId('deliver', spoolId))).toBeUndefined();
    expect(await queues.outbound.getJob(jobId('outbound', spoolId))).toBeUndefined();
    expect(await queues.deliver.getJobCounts('wait')).toEqual(before);
    expect((await producer.spool.info(spoolId)).refs).toBe(2);
    // Repaired, the same call succeeds.
    await producer.client.del(counter);
    if (saved) await producer.client.set(counter, saved);
    await producer.enqueue(jobs);
    expect(await queues.outbound.getJob(jobId('outbound', spoolId))).toBeDefined();
  });

  it('submit discards the spooled message when the jobs cannot be queued', async () => {
    const count = await producer.spool.count();
    await expect(producer.submit(Buffer.from('m'), ({ spoolId }) => ({ deliver: { ...deliverJob(spoolId, 1), recipients: [] } }), { refs: 1 })).rejects.toBeInstanceOf(JobValidationError);
    expect(await producer.spool.count()).toBe(count);
  });

  it('rejects invalid jobs on enqueue', async () => {
    const spoolId = await producer.spool.put(Buffer.from('x'), { refs: 1 });
    await expect(producer.enqueue({ deliver: { ...deliverJob(spoolId, 1), sender: 'a\r\nb' } })).rejects.toThrow(/invalid deliver job: sender/);
    await expect(producer.enqueue({ deliver: { ...deliverJob(spoolId, 1), v: 2 as 1 } })).rejects.toBeInstanceOf(JobValidationError);
    expect(await queues.deliver.getJob(jobId('deliver', spoolId))).toBeUndefined();
  });

  it('fails an invalid job received by a worker for good and keeps working', async () => {
    const spoolId = await producer.spool.put(Buffer.from('x'), { refs: 1 });
    await queues.deliver.add('deliver', { v: 2, spoolId, garbage: true }, { jobId: 'bogus-job-1' });
    await producer.enqueue({ deliver: deliverJob(spoolId, 1) });
    const handled: string[] = [];
    worker('deliver', async (job) => {
      handled.push(job.id);
    });
    await eventually(() => handled.includes(jobId('deliver', spoolId)));
    const bad = await eventually(async () => {
      const j = await queues.deliver.getJob('bogus-job-1');
      return (await j?.getState()) === 'failed' ? j : undefined;
    });
    expect(bad.failedReason).toMatch(/^invalid deliver job: /);
    expect(bad.attemptsMade).toBe(1);
    expect(handled).not.toContain('bogus-job-1');
  });

  it('retries on the schedule, stores job updates between attempts, and gives up after giveUp', async () => {
    const spoolId = await producer.spool.put(Buffer.from('x'), { refs: 1 });
    await producer.enqueue({ outbound: outboundJob(spoolId, 1) });
    const attempts: Array<{ at: number; attempt: number; seenAttempts: number | undefined; next: number | null }> = [];
    worker(
      'outbound',
      async (job) => {
        if (job.data.spoolId !== spoolId) return done();
        attempts.push({ at: Date.now(), attempt: job.attempt, seenAttempts: job.data.recipients[0]?.attempts, next: job.nextRetryDelay() });
        const r = job.data.recipients.map((x) => ({ ...x, status: 'deferred' as const, attempts: x.attempts + 1, lastError: '451 4.7.1 greylisted' }));
        await job.update({ ...job.data, recipients: r });
        return retryLater('451 4.7.1 greylisted');
      },
      { first: 150, max: 300, giveUp: 1200 },
    );
    const job = await eventually(async () => {
      const j = await queues.outbound.getJob(jobId('outbound', spoolId));
      return (await j?.getState()) === 'failed' ? j : undefined;
    });
    expect(job.failedReason).toMatch(/^gave up after \d+ attempts since .*: 451 4\.7\.1 greylisted$/);
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
    expect(attempts.map((a) => a.seenAttempts)).toEqual(attempts.map((_, i) => i));
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(8);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(140);
    expect(gaps[1]).toBeGreaterThanOrEqual(290);
    expect(attempts.at(-1)?.next).toBeNull();
    // A permanently failed job keeps its spool reference for the administrator.
    expect(await producer.spool.exists(spoolId)).toBe(true);
  });

  it('honours an explicit retry delay, treats a thrown error as temporary, and fails for good on request', async () => {
    const a = await producer.spool.put(Buffer.from('a'), { refs: 1 });
    const b = await producer.spool.put(Buffer.from('b'), { refs: 1 });
    await producer.enqueue({ deliver: deliverJob(a, 1) });
    await producer.enqueue({ deliver: deliverJob(b, 1) });
    const times = new Map<string, number[]>();
    worker('deliver', async (job) => {
      if (job.data.spoolId !== a && job.data.spoolId !== b) return done();
      const list = times.get(job.data.spoolId) ?? [];
      list.push(Date.now());
      times.set(job.data.spoolId, list);
      if (job.data.spoolId === a) {
        if (job.attempt === 1) return retryLater('mailbox locked', 400);
        if (job.attempt === 2) throw new Error('disk hiccup');
        return done();
      }
      return failPermanently('550 5.1.1 no such user');
    });
    await eventually(async () => !(await producer.spool.exists(a)));
    const ta = times.get(a)!;
    expect(ta).toHaveLength(3);
    expect(ta[1]! - ta[0]!).toBeGreaterThanOrEqual(390);
    const failed = await eventually(async () => {
      const j = await queues.deliver.getJob(jobId('deliver', b));
      return (await j?.getState()) === 'failed' ? j : undefined;
    });
    expect(failed.failedReason).toBe('550 5.1.1 no such user');
    expect(times.get(b)).toHaveLength(1);
  });
});
