// Test set-up for queue-runner: a real Redis, the test DNS server, a configuration, the daemon from start(), and
// helpers to queue outbound messages and wait for their outcome.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigSchema, type Config, type ConfigInput, type Daemon } from '@mail/config';
import { createLogger } from '@mail/log';
import { Producer, QueueAdmin, type JobDetail, type JobSummary, type OutboundJobInput } from '@mail/queue';
import { tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { start, type StartOptions } from '../../src/main.js';
import { startDnsServer, type TestDnsServer, type Zone } from './dns-server.js';

export interface HarnessOptions {
  zones: Record<string, Zone>;
  queueRunner?: NonNullable<ConfigInput['queueRunner']>;
  start?: StartOptions;
}

export interface Harness {
  config: Config;
  dns: TestDnsServer;
  dir: TempDir;
  producer: Producer;
  admin: QueueAdmin;
  daemon: Daemon;
  submit(message: string | Buffer, envelope: Partial<OutboundJobInput> & { recipients: OutboundJobInput['recipients'] }): Promise<string>;
  job(id: string): Promise<JobDetail | undefined>;
  /** Waits until the outbound job has left waiting/active/delayed (completed or failed). */
  settled(id: string, timeoutMs?: number): Promise<JobDetail>;
  /** Jobs of the deliver queue (DSNs to local senders) with their message text. */
  localReports(): Promise<Array<{ job: JobSummary; text: string }>>;
  outboundJobs(): Promise<JobSummary[]>;
  close(): Promise<void>;
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function message(id: string, extra = '', from = 'Alice <alice@local.test>'): string {
  return `From: ${from}\r\nTo: <bob@remote.test>\r\nSubject: test ${id}\r\nMessage-ID: <${id}@local.test>\r\nDate: Thu, 03 Dec 2026 12:00:00 +0000\r\n${extra}\r\nHello ${id}.\r\n.leading dot\r\n`;
}

export async function harness(options: HarnessOptions): Promise<Harness> {
  const redis: TestRedis = await testRedis();
  const dns = await startDnsServer(options.zones);
  const dir = await tempDir('queue-runner-');
  for (const f of ['users', 'domains', 'aliases', 'virtual']) await writeFile(join(dir.path, f), '');
  await mkdir(join(dir.path, 'dkim'), { recursive: true });
  const config = ConfigSchema.parse({
    hostname: 'mta.local.test',
    domains: ['local.test'],
    redis: { url: redis.url, prefix: redis.prefix },
    paths: { data: dir.path, users: join(dir.path, 'users'), domains: join(dir.path, 'domains'), aliases: join(dir.path, 'aliases'), virtual: join(dir.path, 'virtual'), dkim: join(dir.path, 'dkim') },
    log: { level: 'silent' },
    queueRunner: { dnsServers: [dns.address], connectTimeout: '2s', retrySchedule: { first: '300ms', max: '1s', giveUp: '1m' }, ...options.queueRunner },
  });
  const log = createLogger('queue-runner', { level: (process.env.TEST_LOG as 'info' | undefined) ?? 'silent' });
  const producer = await Producer.open({ redis: config.redis });
  const admin = await QueueAdmin.open({ redis: config.redis });
  const daemon = await start(config, log, { commandTimeout: 5_000, sessionIdleMs: 500, ...options.start, worker: { spoolSweepInterval: 0, ...options.start?.worker } });
  const h: Harness = {
    config,
    dns,
    dir,
    producer,
    admin,
    daemon,
    async submit(text, envelope) {
      const now = new Date().toISOString();
      const messageId = /^Message-ID:\s*(\S+)/im.exec(text.toString())?.[1];
      const result = await producer.submit(
        Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'),
        ({ spoolId, size }) => ({
          outbound: {
            v: 1,
            spoolId,
            size,
            sender: 'alice@local.test',
            dsn: {},
            received: { at: now, clientAddress: '127.0.0.1', protocol: 'ESMTPSA' },
            firstAttemptAt: now,
            ...(messageId ? { messageId } : {}),
            ...envelope,
          },
        }),
        { refs: 1 },
      );
      return result.ids.outbound!;
    },
    job: (id) => admin.get(id),
    async settled(id, timeoutMs = 20_000) {
      await waitFor(async () => {
        const j = await admin.get(id);
        return j && (j.state === 'completed' || j.state === 'failed') ? j : undefined;
      }, timeoutMs, `job ${id} to finish`);
      // get() reads the data before the state: read again so the data is the final one too.
      return (await admin.get(id))!;
    },
    async localReports() {
      const out: Array<{ job: JobSummary; text: string }> = [];
      for await (const job of admin.jobs({ queues: ['deliver'], states: ['waiting', 'delayed', 'active', 'failed'] })) {
        out.push({ job, text: (await producer.spool.get(job.spoolId!)).toString('utf8') });
      }
      return out;
    },
    async outboundJobs() {
      const out: JobSummary[] = [];
      for await (const job of admin.jobs({ queues: ['outbound'], states: ['waiting', 'delayed', 'active', 'failed', 'completed'] })) out.push(job);
      return out;
    },
    async close() {
      await daemon.stop();
      await admin.close();
      await producer.close();
      await dns.close();
      await redis.stop();
      await dir.cleanup();
    },
  };
  return h;
}
