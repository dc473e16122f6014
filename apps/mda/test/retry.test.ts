// Attempts run again (retries, takeovers after a crash): the handler over a real Redis and Maildirs, run twice on
// the same job, with progress lost, and with a failure between the steps of a report and of a forward.
import { ConfigSchema } from '@mail/config';
import { createLogger } from '@mail/log';
import { createRedisNotifier, MaildirStore, type ChangeRecord } from '@mail/maildir';
import { jobId, parseJob, SpoolNotFoundError, type DeliverJob, type EnqueueJobs, type JobContext, type Producer } from '@mail/queue';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../src/deliver.js';
import { wire, type Wiring } from '../src/wiring.js';
import { parseReport } from './reports.js';
import { eventually, fixture, USER, type Fixture } from './support.js';

let fx: Fixture;
let wiring: Wiring;
beforeAll(async () => {
  fx = await fixture({
    users: [USER('bob@example.test'), USER('alice@example.test'), USER('full@example.test', 'userdb_quota_rule=*:bytes=10')],
    domains: ['example.test'],
    virtual: ['relay@example.test friend@example.net'],
  });
  wiring = await wire(fx.config, createLogger('mda', { level: 'silent' }));
});
afterAll(async () => {
  await wiring?.close();
  await fx?.stop();
});

const msg = (id: string) => `From: alice@example.test\r\nSubject: retry ${id}\r\nMessage-ID: <${id}@example.test>\r\n\r\nbody ${id}\r\n`;

/** Spools a message (one reference, as for its deliver job) and makes the context an attempt at its job gets. */
async function job(id: string, recipients: string[]): Promise<JobContext<'deliver'>> {
  const spool = wiring.ctx.producer.spool;
  const body = Buffer.from(msg(id));
  const spoolId = await spool.put(body, { refs: 1 });
  const data: DeliverJob = parseJob('deliver', {
    v: 1,
    spoolId,
    size: body.length,
    sender: 'alice@example.test',
    received: { at: new Date().toISOString(), clientAddress: '192.0.2.1', protocol: 'ESMTP' },
    recipients: recipients.map((address) => ({ address })),
  });
  return { queue: 'deliver', id: jobId('deliver', spoolId), data, spool, attempt: 1, arrivedAt: new Date(), firstAttemptAt: new Date(), nextRetryDelay: () => 60_000, update: async () => undefined, log: undefined };
}

const copies = async (account: string, id: string) => (await fx.messages(account)).filter((m) => m.includes(`retry ${id}`)).length;
/** Queued reports, oldest first (spool ids sort by time). */
const reportJobs = async () =>
  (await fx.jobs('deliver', ['waiting'])).filter((j) => j.sender === '').sort((a, b) => (a.spoolId ?? '').localeCompare(b.spoolId ?? ''));
const outboundFor = async (spoolId: string) => (await fx.jobs('outbound', ['waiting'])).filter((j) => (j.data as { recipients: Array<{ address: string }> }).recipients.some((r) => r.address === 'friend@example.net') && j.spoolId === spoolId);

/** Makes the producer's next enqueue of `queue` fail, as if the process died right before it. */
function failNextEnqueue(producer: Producer, queue: 'deliver' | 'outbound'): void {
  const real = producer.enqueue.bind(producer);
  let armed = true;
  producer.enqueue = async (jobs: EnqueueJobs) => {
    if (armed && jobs[queue]) {
      armed = false;
      throw new Error('simulated crash before enqueue');
    }
    return real(jobs);
  };
}

describe('an attempt run again', () => {
  it('delivers, bounces and forwards nothing twice', async () => {
    const j = await job('twice', ['bob@example.test', 'nobody@example.test', 'relay@example.test']);
    const handler = createDeliverHandler(wiring.ctx);
    const before = (await reportJobs()).length;
    expect(await handler(j)).toEqual({ result: 'done' });
    expect(await handler({ ...j, attempt: 2 })).toEqual({ result: 'done' });
    expect(await copies('bob@example.test', 'twice')).toBe(1);
    expect((await reportJobs()).length).toBe(before + 1);
    expect(await outboundFor(j.data.spoolId)).toHaveLength(1);
    // Its own reference and the forward's: the second attempt retained nothing more.
    expect((await wiring.ctx.producer.spool.info(j.data.spoolId)).refs).toBe(2);
    const ttl = await wiring.redis.pttl(wiring.ctx.progress.key(j.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400_000);
  });

  it('stores one copy even when the progress record was lost (the Maildir dedupe record)', async () => {
    const j = await job('lost-progress', ['bob@example.test']);
    const handler = createDeliverHandler(wiring.ctx);
    await handler(j);
    await wiring.redis.del(wiring.ctx.progress.key(j.id));
    await handler({ ...j, attempt: 2 });
    expect(await copies('bob@example.test', 'lost-progress')).toBe(1);
  });

  it('queues a report spooled before a crash exactly once', async () => {
    const j = await job('report-crash', ['nobody@example.test']);
    const handler = createDeliverHandler(wiring.ctx);
    const before = (await reportJobs()).length;
    failNextEnqueue(wiring.ctx.producer, 'deliver');
    await expect(handler(j)).rejects.toThrow(/simulated crash/);
    expect((await reportJobs()).length).toBe(before);
    expect(await handler({ ...j, attempt: 2 })).toEqual({ result: 'done' });
    expect(await handler({ ...j, attempt: 3 })).toEqual({ result: 'done' });
    expect((await reportJobs()).length).toBe(before + 1);
  });

  it('queues a forward recorded before a crash exactly once, with one extra reference', async () => {
    const j = await job('forward-crash', ['relay@example.test']);
    const handler = createDeliverHandler(wiring.ctx);
    failNextEnqueue(wiring.ctx.producer, 'outbound');
    await expect(handler(j)).rejects.toThrow(/simulated crash/);
    expect(await outboundFor(j.data.spoolId)).toHaveLength(0);
    expect(await handler({ ...j, attempt: 2 })).toEqual({ result: 'done' });
    expect(await outboundFor(j.data.spoolId)).toHaveLength(1);
    expect((await wiring.ctx.producer.spool.info(j.data.spoolId)).refs).toBe(2);
  });
});

describe('temporary failures', () => {
  it('sends one delay warning while a full mailbox is retried', async () => {
    const ctx = { ...wiring.ctx, settings: { ...wiring.ctx.settings, delayWarning: 0, quotaGrace: 600_000 } };
    const handler = createDeliverHandler(ctx);
    const j = await job('delay', ['full@example.test']);
    const before = (await reportJobs()).length;
    const first = await handler(j);
    expect(first).toMatchObject({ result: 'retry', error: expect.stringMatching(/^452 4\.2\.2 /) });
    expect((first as { delay: number }).delay).toBeLessThanOrEqual(60_000);
    expect(await handler({ ...j, attempt: 2 })).toMatchObject({ result: 'retry' });
    const reports = await reportJobs();
    expect(reports.length).toBe(before + 1);
    const report = await wiring.ctx.producer.spool.get(reports.at(-1)!.spoolId!);
    expect(parseReport(report).groups[1]).toMatchObject({ action: 'delayed', status: '4.2.2', 'final-recipient': 'rfc822;full@example.test' });
    expect(parseReport(report).groups[1]!['will-retry-until']).toBeDefined();
  });

  it('defers when a content check cannot answer, and bounces with its status once the schedule is used up', async () => {
    const ctx = { ...wiring.ctx, checks: { virusCommand: 'exit 3', timeoutMs: 10_000 } };
    const handler = createDeliverHandler(ctx);
    const j = await job('check-broken', ['bob@example.test']);
    expect(await handler(j)).toMatchObject({ result: 'retry', error: expect.stringMatching(/^451 4\.7\.1 virus check failed: exit status 3/) });
    const before = (await reportJobs()).length;
    expect(await handler({ ...j, attempt: 9, nextRetryDelay: () => null })).toEqual({ result: 'done' });
    const reports = await reportJobs();
    expect(reports.length).toBe(before + 1);
    expect(parseReport(await wiring.ctx.producer.spool.get(reports.at(-1)!.spoolId!)).groups[1]).toMatchObject({ action: 'failed', status: '4.7.1' });
    expect(await copies('bob@example.test', 'check-broken')).toBe(0);
  });
});

describe('a message missing from the spool', () => {
  it('fails the attempt with SpoolNotFoundError (the worker fails such a job for good) before running any check', async () => {
    const ctx = { ...wiring.ctx, checks: { virusCommand: 'exit 3', timeoutMs: 10_000 } };
    const j = await job('gone', ['bob@example.test']);
    await wiring.ctx.producer.spool.discard(j.data.spoolId);
    await expect(createDeliverHandler(ctx)(j)).rejects.toBeInstanceOf(SpoolNotFoundError);
  });
});

describe('change records', () => {
  it('publishes an append record for each delivery over Redis', async () => {
    const sub = new Redis(fx.redis.url);
    const notifier = createRedisNotifier(sub);
    const store = new MaildirStore({ location: fx.config.paths.mailboxes, notifier });
    const seen: ChangeRecord[] = [];
    const stop = store.subscribe('bob@example.test', (c) => seen.push(c));
    await notifier.ready();
    try {
      await createDeliverHandler(wiring.ctx)(await job('notify', ['bob@example.test']));
      const change = await eventually(() => seen.find((c) => c.kind === 'append'), 5000, 'append record');
      expect(change).toMatchObject({ account: 'bob@example.test', folder: 'INBOX' });
      expect(change.uids).toHaveLength(1);
    } finally {
      stop();
      await store.close();
      await notifier.close();
      sub.disconnect();
    }
  });
});

describe('configuration', () => {
  it('retries deliver jobs at least as long as the quota grace period', async () => {
    const { deliverySchedule } = await import('../src/wiring.js');
    const config = ConfigSchema.parse({ mda: { quotaGrace: '10d' }, queueRunner: { retrySchedule: { giveUp: '5d' } } });
    expect(deliverySchedule(config).giveUp).toBe(10 * 86_400_000 + 60_000);
  });
});
