// queue-runner relaying through this suite's own smtpd as smarthost: STARTTLS and AUTH on the submission port,
// the message queued there for its next hop; a wrong password defers with the server's reply in lastError.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig, type Daemon } from '@mail/config';
import { createLogger } from '@mail/log';
import { Producer, QueueAdmin, type JobSummary } from '@mail/queue';
import { start as startQueueRunner } from '@mail/queue-runner';
import { tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, USERS, type Stack } from './smtp-support.js';
import { waitFor } from './support.js';

interface Origin {
  producer: Producer;
  admin: QueueAdmin;
  daemon: Daemon;
  redis: TestRedis;
  dir: TempDir;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function origin(stack: Stack, password: string): Promise<Origin> {
  const redis = await testRedis();
  const dir = await tempDir('outbound-origin-');
  const sasl = join(dir.path, 'sasl_passwd');
  await writeFile(sasl, `[127.0.0.1]:${stack.ports.submission} alice@local.test:${password}\n`, { mode: 0o600 });
  for (const f of ['users', 'domains', 'aliases', 'virtual']) await writeFile(join(dir.path, f), '');
  const config = parseConfig({
    hostname: 'origin.test',
    domains: ['origin.test'],
    redis: { url: redis.url, prefix: redis.prefix },
    paths: { data: dir.path, users: join(dir.path, 'users'), domains: join(dir.path, 'domains'), aliases: join(dir.path, 'aliases'), virtual: join(dir.path, 'virtual'), dkim: join(dir.path, 'dkim') },
    log: { level: 'warn' },
    queueRunner: { relayhost: `[127.0.0.1]:${stack.ports.submission}`, saslPasswords: sasl, retrySchedule: { first: '500ms', max: '1s', giveUp: '1m' } },
  });
  const daemon = await startQueueRunner(config, createLogger('queue-runner', { level: 'silent' }), { commandTimeout: 10_000, worker: { spoolSweepInterval: 0 } });
  const o: Origin = { producer: await Producer.open({ redis: config.redis }), admin: await QueueAdmin.open({ redis: config.redis }), daemon, redis, dir };
  cleanups.push(async () => {
    await daemon.stop();
    await o.admin.close();
    await o.producer.close();
    await redis.stop();
    await dir.cleanup();
  });
  return o;
}

async function send(o: Origin, id: string): Promise<string> {
  const now = new Date().toISOString();
  const text = `From: Alice <alice@local.test>\r\nTo: <carol@far.test>\r\nSubject: via smarthost\r\nMessage-ID: <${id}@local.test>\r\nDate: Thu, 03 Dec 2026 12:00:00 +0000\r\n\r\nHello.\r\n`;
  const r = await o.producer.submit(
    Buffer.from(text),
    ({ spoolId, size }) => ({
      outbound: { v: 1, spoolId, size, sender: 'alice@local.test', dsn: {}, received: { at: now, clientAddress: '127.0.0.1', protocol: 'ESMTPSA' }, firstAttemptAt: now, messageId: `<${id}@local.test>`, recipients: [{ address: 'carol@far.test' }] },
    }),
    { refs: 1 },
  );
  return r.ids.outbound!;
}

describe('queue-runner through the suite’s smtpd as smarthost', () => {
  it('relays with STARTTLS and AUTH; the smarthost queues the message for its next hop', async () => {
    const stack = await startStack();
    cleanups.push(() => stack.stop());
    const o = await origin(stack, USERS['alice@local.test']);
    const id = await send(o, 'sh1');
    await waitFor(async () => (await o.admin.get(id))?.state === 'completed', 20_000);
    expect((await o.admin.get(id))!.recipients[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    let queued: JobSummary | undefined;
    await waitFor(async () => {
      for await (const j of stack.admin.jobs({ queues: ['outbound'] })) if (j.messageId === '<sh1@local.test>') queued = j;
      return queued !== undefined;
    }, 10_000);
    expect(queued!.sender).toBe('alice@local.test');
    expect(queued!.recipients.map((r) => r.address)).toEqual(['carol@far.test']);
    const text = (await stack.reader.spool.get(queued!.spoolId!)).toString();
    expect(text).toMatch(/^Received: from origin\.test /m);
    expect(text).toMatch(/with ESMTPSA/);
    expect(text).toContain('Message-ID: <sh1@local.test>');
  });

  it('defers on a wrong password with the smarthost’s reply in lastError', async () => {
    const stack = await startStack();
    cleanups.push(() => stack.stop());
    const o = await origin(stack, 'not-the-password');
    const id = await send(o, 'sh2');
    await waitFor(async () => (await o.admin.get(id))?.recipients[0]?.status === 'deferred', 20_000);
    const job = (await o.admin.get(id))!;
    expect(job.recipients[0]!.lastError).toMatch(/authentication as alice@local\.test failed: 535/);
    expect(JSON.stringify(job)).not.toContain('not-the-password');
  });
});
