// Whole-stack set-up for the IMAP tests: a real Redis, a users file, Maildirs written through @mail/maildir, and
// imapd started with start(config, log) on loopback ports (143-style STARTTLS and 993-style implicit TLS).
import { chmod } from 'node:fs/promises';
import { parseConfig, type Config } from '@mail/config';
import { start, type Imapd } from '@mail/imapd';
import { createLogger } from '@mail/log';
import { createRedisNotifier, MaildirStore } from '@mail/maildir';
import { Redis } from 'ioredis';
import { freePort, suitePaths, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { writeAccountFiles } from './support.js';

export const ALICE = 'alice@example.test';
export const ALICE_PASSWORD = 'alice-secret';

export const MESSAGES = [
  'From: Carol <carol@example.org>\nTo: alice@example.test\nSubject: plain text\nMessage-ID: <1@example.org>\nDate: Mon, 1 Jul 2024 10:00:00 +0000\n\nHello Alice,\nthis is a short message.\n',
  'From: Dan <dan@example.org>\nTo: alice@example.test\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\nDate: Tue, 2 Jul 2024 10:00:00 +0000\n\nGrüße aus Köln.\n',
];

export interface ImapStack {
  dir: TempDir;
  redis: TestRedis;
  config: Config;
  daemon: Imapd;
  port: number;
  tlsPort: number;
  /** A store with its own Redis connection and notifier, as another process (the mda) would have. */
  store(): MaildirStore;
  stop(): Promise<void>;
}

export async function startImapStack(): Promise<ImapStack> {
  const dir = await tempDir('imap-stack-');
  await chmod(dir.path, 0o755);
  const redis = await testRedis();
  await writeAccountFiles(dir.path, { [ALICE]: ALICE_PASSWORD }, ['example.test']);
  const [port, tlsPort] = [await freePort(), await freePort()];
  const config = parseConfig({
    hostname: 'imap.example.test',
    redis: { url: redis.url, prefix: redis.prefix },
    paths: suitePaths(dir.path),
    tls: { selfSigned: true },
    log: { level: 'silent' },
    imapd: {
      listeners: [
        { host: '127.0.0.1', port, tls: 'starttls' },
        { host: '127.0.0.1', port: tlsPort, tls: 'implicit' },
      ],
    },
  });
  const filling = new MaildirStore({ location: config.paths.mailboxes });
  for (const m of MESSAGES) {
    const r = await filling.deliver(ALICE, 'INBOX', m);
    if (r.status !== 'delivered') throw new Error(`delivery failed: ${r.status}`);
  }
  await filling.close();
  const log = createLogger('imapd', { level: process.env.MAIL_TEST_LOG === '1' ? 'debug' : 'silent' });
  const daemon = await start(config, log);
  const closers: Array<() => Promise<void>> = [];
  return {
    dir,
    redis,
    config,
    daemon,
    port,
    tlsPort,
    store() {
      const client = new Redis(redis.url);
      const notifier = createRedisNotifier(client);
      const s = new MaildirStore({ location: config.paths.mailboxes, notifier });
      closers.push(async () => {
        await s.close();
        await notifier.close();
        client.disconnect();
      });
      return s;
    },
    async stop() {
      await daemon.stop();
      for (const c of closers) await c();
      await redis.stop();
      await dir.cleanup();
    },
  };
}
