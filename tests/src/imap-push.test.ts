// Push across the whole stack: imapflow logs in to imapd, selects INBOX and IDLEs; a message sent to smtpd's MX
// listener goes through the queue to the mda, which delivers it into the Maildir and publishes the change record
// over Redis; the IDLE session must get the EXISTS. The time from the mda's delivery (the change record's own
// timestamp, and the file appearing in new/) to the EXISTS arriving is measured and printed, not asserted
// tightly: the requirement (under 100 ms) is recorded with the measured figures in apps/imapd/README.md.
import { watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { start as startImapd, type Imapd } from '@mail/imapd';
import { createLogger } from '@mail/log';
import { createRedisNotifier, type ChangeRecord } from '@mail/maildir';
import { freePort } from '@mail/testing';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, USERS, type Stack } from './smtp-support.js';

const ALICE = 'alice@local.test';
const ROUNDS = 5;

let stack: Stack;
let imapd: Imapd;
let port: number;
beforeAll(async () => {
  stack = await startStack({ mda: true });
  port = await freePort();
  const config = { ...stack.config, imapd: { ...stack.config.imapd, listeners: [{ host: '127.0.0.1', port, tls: 'none' as const }] } };
  imapd = await startImapd(config, createLogger('imapd', { level: process.env.MAIL_TEST_LOG ? 'debug' : 'silent' }));
});
afterAll(async () => {
  await imapd?.stop();
  await stack?.stop();
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

describe('smtpd → queue → mda → Maildir → Redis → imapd IDLE', () => {
  it('an IDLE session receives EXISTS for a message delivered through the whole stack', async () => {
    const newDir = join(stack.dir.path, 'mail/local.test/alice/Maildir/new');
    await mkdir(newDir, { recursive: true });
    // The change records as another process sees them, each with its arrival time here.
    const client = new Redis(stack.config.redis.url);
    const notifier = createRedisNotifier(client);
    const records: Array<{ change: ChangeRecord; at: number }> = [];
    notifier.subscribe(ALICE, (change) => records.push({ change, at: performance.timeOrigin + performance.now() }));
    await notifier.ready();
    const files: number[] = [];
    const watcher = watch(newDir, (event) => {
      if (event === 'rename') files.push(performance.timeOrigin + performance.now());
    });
    const imap = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: ALICE, pass: USERS[ALICE] }, logger: process.env.MAIL_TEST_LOG ? { debug: (o: unknown) => console.log('IMAP', JSON.stringify(o)), info: () => undefined, warn: () => undefined, error: () => undefined } : false });
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: stack.ports.mx, secure: false, ignoreTLS: true, name: 'push.client.test' });
    const fromRecord: number[] = [];
    const fromFile: number[] = [];
    await imap.connect();
    try {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        let exists = (imap.mailbox as { exists: number }).exists;
        for (let round = 0; round < ROUNDS; round++) {
          const arrived = new Promise<number>((resolve) => {
            const onExists = (e: { count: number }): void => {
              imap.off('exists', onExists);
              resolve(performance.timeOrigin + performance.now());
              exists = e.count;
            };
            imap.on('exists', onExists);
          });
          // imapflow enters IDLE on its own when the connection has been quiet; wait until it has.
          void imap.idle();
          await new Promise((r) => setTimeout(r, 200));
          const before = { records: records.length, files: files.length, exists };
          await smtp.sendMail({ from: 'sender@remote.test', to: ALICE, subject: `push ${round}`, text: `marker-push-${round}` });
          const at = await Promise.race([arrived, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no EXISTS for round ${round}: ${JSON.stringify({ records, files })}`)), 20_000))]);
          expect(exists).toBe(before.exists + 1);
          const record = records.slice(before.records).find((r) => r.change.folder === 'INBOX' && r.change.kind === 'append');
          expect(record).toBeDefined();
          fromRecord.push(at - record!.change.time);
          const file = files[before.files];
          if (file !== undefined) fromFile.push(at - file);
        }
      } finally {
        lock.release();
      }
    } finally {
      watcher.close();
      smtp.close();
      await imap.logout().catch(() => undefined);
      await notifier.close();
      client.disconnect();
    }
    const fmt = (xs: number[]): string => `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.map((x) => x.toFixed(1)).join(', ')})`;
    console.log(`delivery → EXISTS over ${ROUNDS} messages: from the change record ${fmt(fromRecord)}; from the file in new/ ${fmt(fromFile)}`);
    // A generous bound only: the 100 ms requirement is measured, not asserted, on a shared machine.
    expect(median(fromRecord)).toBeLessThan(2_000);
  });
});
