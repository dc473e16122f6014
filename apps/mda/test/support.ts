// Test fixture: a real Redis, a temporary tree with the directory files and Maildirs, the mda started from
// start(config), and helpers to submit messages and look at mailboxes, jobs and reports.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigSchema, type Config, type ConfigInput, type Daemon } from '@mail/config';
import { createLogger } from '@mail/log';
import { jobId, Producer, QueueAdmin, type DeliverJobInput, type JobDetail, type Recipient } from '@mail/queue';
import { suitePaths, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { start } from '../src/main.js';

export interface Files {
  users?: string[];
  domains?: string[];
  aliases?: string[];
  virtual?: string[];
}

export interface Fixture {
  dir: TempDir;
  redis: TestRedis;
  config: Config;
  producer: Producer;
  admin: QueueAdmin;
  daemon: Daemon | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  submit(message: string | Buffer, envelope: Partial<DeliverJobInput> & { recipients: Recipient[] }, extra?: { outbound?: boolean }): Promise<string>;
  /** Resolves once the deliver job of `spoolId` is completed (or fails the test after `timeoutMs`). */
  delivered(spoolId: string, timeoutMs?: number): Promise<JobDetail>;
  /** Messages in a folder of an account's Maildir ("" is INBOX, ".Junk" a subfolder), oldest first. */
  messages(account: string, folderDir?: string): Promise<Buffer[]>;
  /** Jobs of a queue in the given states, with their data. */
  jobs(queue: 'deliver' | 'outbound', states?: Array<'waiting' | 'delayed' | 'completed' | 'failed' | 'active'>): Promise<JobDetail[]>;
}

export const USER = (address: string, extra = ''): string => `${address}:{PLAIN}secret::::::${extra}`;

export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function fixture(files: Files, settings: Partial<ConfigInput> = {}, server?: TestRedis): Promise<Fixture> {
  const dir = await tempDir('mail-mda-');
  const redis = server ?? (await testRedis());
  const etc = join(dir.path, 'etc');
  await mkdir(etc, { recursive: true });
  const write = (name: keyof Files) => writeFile(join(etc, name), `${(files[name] ?? []).join('\n')}\n`);
  await Promise.all([write('users'), write('domains'), write('aliases'), write('virtual')]);
  const config = ConfigSchema.parse({
    hostname: 'mx.example.test',
    redis: { url: redis.url, prefix: redis.prefix },
    paths: suitePaths(dir.path),
    auth: { reloadInterval: 0 },
    log: { level: 'silent' },
    // The test jobs' client (192.0.2.1) is trusted: no SPF/DKIM/DMARC lookups in the real DNS (authres.test.ts has those).
    mynetworks: ['192.0.2.0/24', '127.0.0.0/8', '::1/128'],
    ...settings,
  } satisfies ConfigInput);
  const producer = await Producer.open({ redis: config.redis });
  const admin = await QueueAdmin.open({ redis: config.redis });
  const log = createLogger('mda', { level: (process.env.MAIL_TEST_LOG as 'info' | undefined) ?? 'silent' });
  const fx: Fixture = {
    dir,
    redis,
    config,
    producer,
    admin,
    daemon: undefined,
    async start() {
      fx.daemon = await start(config, log);
    },
    async stop() {
      await fx.daemon?.stop();
      fx.daemon = undefined;
      await admin.close();
      await producer.close();
      if (!server) await redis.stop();
      await dir.cleanup();
    },
    async submit(message, envelope, extra = {}) {
      const { spoolId } = await producer.submit(
        typeof message === 'string' ? Buffer.from(message) : message,
        ({ spoolId, size }) => {
          const base = {
            v: 1 as const,
            spoolId,
            size,
            sender: 'alice@example.test',
            received: { at: new Date().toISOString(), clientAddress: '192.0.2.1', helo: 'client.example.org', protocol: 'ESMTPS' },
            ...envelope,
          };
          return extra.outbound
            ? { deliver: base, outbound: { ...base, recipients: [{ address: 'someone@example.net' }], firstAttemptAt: new Date().toISOString() } }
            : { deliver: base };
        },
        { refs: extra.outbound ? 2 : 1 },
      );
      return spoolId;
    },
    async delivered(spoolId, timeoutMs = 15_000) {
      return eventually(
        async () => {
          const job = await admin.get(jobId('deliver', spoolId));
          return job && job.state === 'completed' ? job : undefined;
        },
        timeoutMs,
        `deliver job of ${spoolId} completed`,
      );
    },
    async messages(account, folderDir = '') {
      const [local, domain] = [account.slice(0, account.lastIndexOf('@')), account.slice(account.lastIndexOf('@') + 1)];
      const root = join(dir.path, 'mail', domain, local, 'Maildir', folderDir);
      const out: Array<{ name: string; body: Buffer }> = [];
      for (const sub of ['new', 'cur']) {
        const names = await readdir(join(root, sub)).catch(() => [] as string[]);
        for (const name of names) out.push({ name, body: await readFile(join(root, sub, name)) });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name)).map((m) => m.body);
    },
    async jobs(queue, states = ['waiting', 'delayed', 'completed', 'failed', 'active']) {
      const out: JobDetail[] = [];
      for await (const j of admin.jobs({ queues: [queue], states })) {
        const detail = await admin.get(j.id);
        if (detail) out.push(detail);
      }
      return out;
    },
  };
  return fx;
}
