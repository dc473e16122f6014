// The fixture of the `mailctl queue` tests: a real Redis under a prefix of the test's own, a configuration file naming
// it, a Producer to queue messages, a QueueAdmin to look at them, real workers to move jobs, and mailctl run in-process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis as RedisSchema } from '@mail/config';
import {
  createWorker,
  failPermanently,
  jobId,
  Producer,
  QueueAdmin,
  retryLater,
  type DeliverJobInput,
  type Handler,
  type JobState,
  type MailWorker,
  type OutboundJobInput,
  type RedisConfig,
} from '@mail/queue';
import { tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { afterEach, beforeEach } from 'vitest';
import { run } from '../src/cli-run.js';

export interface QueueFixture {
  server: TestRedis;
  redis: RedisConfig;
  dir: TempDir;
  configFile: string;
  producer: Producer;
  admin: QueueAdmin;
}

export interface Result {
  code: number;
  out: string;
  err: string;
}

let current: QueueFixture | undefined;
const workers: MailWorker[] = [];

/** The fixture of the running test. */
export function fixture(): QueueFixture {
  if (!current) throw new Error('the queue fixture exists only inside a test of a file that calls useQueueFixture()');
  return current;
}

/** Registers beforeEach/afterEach that build a fresh fixture for every test and tear it down after. */
export function useQueueFixture(): void {
  beforeEach(async () => {
    const server = await testRedis();
    const redis = RedisSchema.parse({ url: server.url, prefix: server.prefix });
    const dir = await tempDir('mailctl-queue-');
    const configFile = join(dir.path, 'mail.yaml');
    await writeFile(configFile, `redis:\n  url: ${server.url}\n  prefix: ${server.prefix}\n`);
    current = { server, redis, dir, configFile, producer: await Producer.open({ redis }), admin: await QueueAdmin.open({ redis }) };
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close(true)));
    const fx = current;
    current = undefined;
    if (!fx) return;
    await fx.admin.close();
    await fx.producer.close();
    await fx.server.stop();
    await fx.dir.cleanup();
  });
}

/** Runs `mailctl queue ARGS` in-process with the fixture's configuration. */
export async function mailctl(...args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['queue', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: { MAIL_CONFIG: fixture().configFile } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const received = { at: '2026-12-03T10:00:00Z', clientAddress: '192.0.2.1', clientHostname: 'client.example.org', helo: 'client.example.org', protocol: 'ESMTPS' };

export function deliverJob(spoolId: string, size: number, overrides: Partial<DeliverJobInput> = {}): DeliverJobInput {
  return { v: 1, spoolId, size, sender: 'alice@example.org', recipients: [{ address: 'bob@example.test' }], received, messageId: '<1@example.org>', ...overrides };
}

export function outboundJob(spoolId: string, size: number, overrides: Partial<OutboundJobInput> = {}): OutboundJobInput {
  return {
    v: 1,
    spoolId,
    size,
    sender: 'bob@example.test',
    recipients: [{ address: 'carol@example.net', notify: ['FAILURE', 'DELAY'] }],
    received: { ...received, clientAddress: '127.0.0.1', authUser: 'bob@example.test', protocol: 'ESMTPSA' },
    firstAttemptAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Spools `text` and queues a deliver job, an outbound job, or both for it; returns the spool id. */
export async function message(text: string, jobs: 'deliver' | 'outbound' | 'both' = 'deliver', overrides: { outbound?: Partial<OutboundJobInput> } = {}): Promise<string> {
  const { spoolId } = await fixture().producer.submit(
    Buffer.from(text),
    ({ spoolId, size }) => ({
      ...(jobs !== 'outbound' ? { deliver: deliverJob(spoolId, size) } : {}),
      ...(jobs !== 'deliver' ? { outbound: outboundJob(spoolId, size, overrides.outbound) } : {}),
    }),
    { refs: jobs === 'both' ? 2 : 1 },
  );
  return spoolId;
}

/** A deliver worker with a short first retry and a long give-up time; closed (forcibly) after the test. */
export function worker(handler: Handler<'deliver'>): MailWorker {
  const w = createWorker('deliver', handler, { redis: fixture().redis, retrySchedule: { first: 100, max: 3_600_000, giveUp: 86_400_000 }, spoolSweepInterval: 0 });
  workers.push(w);
  return w;
}

export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const stateOf = async (id: string): Promise<JobState | undefined> => (await fixture().admin.get(id))?.state;
export const d = (spoolId: string): string => jobId('deliver', spoolId);
export const o = (spoolId: string): string => jobId('outbound', spoolId);

/**
 * Deliver jobs moved by a real worker: every queued one deferred for an hour, except `failing` (failed for good).
 * Queue the jobs first; the worker is closed once they are in place.
 */
export async function workOff(deferred: string[], failing: string[] = []): Promise<void> {
  const w = worker(async (job) => (failing.includes(job.data.spoolId) ? failPermanently('554 5.7.1 rejected by policy') : retryLater('452 4.2.2 mailbox full', 3_600_000)));
  await eventually(async () => {
    for (const id of deferred) if ((await stateOf(d(id))) !== 'delayed') return false;
    for (const id of failing) if ((await stateOf(d(id))) !== 'failed') return false;
    return true;
  });
  await w.close();
}
