// Whole stack through to the mailbox: smtpd and the mda share a real Redis; messages sent with Python's smtplib
// and nodemailer end up in the right Maildir with Return-Path and Delivered-To, and their spool entries are released.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSmtp, queuedId, startStack, USERS, type Stack } from './smtp-support.js';
import { waitFor } from './support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ mda: true });
});
afterAll(async () => {
  await stack?.stop();
});

/** The files in `user`'s Maildir/new that contain `marker`. */
async function delivered(user: string, marker: string): Promise<string[]> {
  const dir = join(stack.dir.path, 'mail/local.test', user, 'Maildir/new');
  const names = await readdir(dir).catch(() => [] as string[]);
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  return texts.filter((t) => t.includes(marker));
}

async function deliveredOnce(user: string, marker: string): Promise<string> {
  await waitFor(async () => (await delivered(user, marker)).length > 0, 20_000, () => `no message with ${marker} for ${user}`);
  const files = await delivered(user, marker);
  expect(files).toHaveLength(1);
  return files[0]!;
}

describe('smtpd → queue → mda → Maildir', () => {
  it('an MX message for a user and an alias reaches both Maildirs with Return-Path and Delivered-To', async () => {
    const r = await pythonSmtp({
      port: stack.ports.mx,
      mode: 'plain',
      steps: [{ from: 'sender@remote.test', to: ['bob@local.test', 'info@local.test'], data: 'Subject: mx\r\nMessage-ID: <mda-1@remote.test>\r\n\r\nmarker-mda-1\r\n' }],
    });
    const id = queuedId(r.steps[0]!.data![0]![1]);
    const bob = await deliveredOnce('bob', 'marker-mda-1');
    expect(bob).toMatch(/^Return-Path: <sender@remote\.test>\r?\nDelivered-To: bob@local\.test\r?\nReceived: from py\.client\.test /);
    expect(bob).toContain(`by mx.local.test with ESMTP id ${id}`);
    const alice = await deliveredOnce('alice', 'marker-mda-1');
    expect(alice).toMatch(/^Return-Path: <sender@remote\.test>\r?\nDelivered-To: alice@local\.test\r?\n/);
    // Delivered everywhere: the job released the spooled message.
    await waitFor(async () => !(await stack.reader.spool.exists(id)), 10_000, () => `spool entry ${id} still present`);
  });

  it('a submitted message (nodemailer, STARTTLS + AUTH) reaches the recipient with the trace of its submission', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: stack.ports.submission, requireTLS: true, auth: { user: 'alice@local.test', pass: USERS['alice@local.test'] }, tls: { rejectUnauthorized: false }, name: 'nm.client.test' });
    const info = await t.sendMail({ from: 'alice@local.test', to: 'bob@local.test', subject: 'sub', text: 'marker-mda-2' });
    t.close();
    const file = await deliveredOnce('bob', 'marker-mda-2');
    expect(file).toMatch(/^Return-Path: <alice@local\.test>\r?\nDelivered-To: bob@local\.test\r?\n/);
    expect(file).toContain(`with ESMTPSA id ${queuedId(info.response)}`);
    expect(file).toContain(`Message-ID: ${info.messageId}`);
  });
});
