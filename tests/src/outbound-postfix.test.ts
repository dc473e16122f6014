// Interoperation with Debian's Postfix on loopback: a private Postfix instance (its own configuration, queue and
// virtual Maildirs for p.test) receives from this suite's queue-runner, and relays mail for s.test into this suite.
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, tempDir, type TempDir } from '@mail/testing';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostfix, type PrivatePostfix } from './postfix.js';
import { startSuite, type Suite } from './suite.js';
import { waitFor } from './support.js';

/** The unprivileged owner of the virtual Maildirs (Postfix refuses uids below virtual_minimum_uid). */
const VMAIL_UID = 65534;
const USERS = { 'sam@s.test': 'sam-S-Secret-1' };

interface Postfix {
  dir: TempDir;
  port: number;
  /** The messages in `user@p.test`'s Maildir/new that contain `marker`. */
  delivered(user: string, marker: string): Promise<string[]>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts Postfix with a configuration directory, queue and mailboxes of its own under a temporary directory. */
async function startPostfix(suiteMx: number): Promise<Postfix> {
  const dir = await tempDir('postfix-');
  await chmod(dir.path, 0o755);
  const port = await freePort();
  const [etc, mail] = [join(dir.path, 'etc'), join(dir.path, 'mail')];
  await mkdir(etc);
  await mkdir(mail);
  await chown(mail, VMAIL_UID, VMAIL_UID);
  await writeFile(join(etc, 'vmailbox'), 'pat@p.test p.test/pat/\n');
  await writeFile(join(etc, 'transport'), `s.test smtp:[127.0.0.1]:${suiteMx}\n`);
  let postfix: PrivatePostfix;
  try {
    postfix = await startPrivatePostfix(dir.path, port, [
      'myhostname = mx.p.test',
      'mydomain = p.test',
      'myorigin = p.test',
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      'smtputf8_enable = yes',
      'virtual_mailbox_domains = p.test',
      `virtual_mailbox_base = ${mail}`,
      `virtual_mailbox_maps = texthash:${join(etc, 'vmailbox')}`,
      `virtual_uid_maps = static:${VMAIL_UID}`,
      `virtual_gid_maps = static:${VMAIL_UID}`,
      `transport_maps = texthash:${join(etc, 'transport')}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      'smtp_tls_security_level = may',
      'queue_run_delay = 1s',
      'minimal_backoff_time = 1s',
      'maximal_backoff_time = 2s',
    ]);
  } catch (err) {
    await dir.cleanup();
    throw err;
  }
  return {
    dir,
    port,
    log: postfix.log,
    async delivered(user, marker) {
      const box = join(mail, 'p.test', user, 'new');
      const names = await readdir(box).catch(() => [] as string[]);
      const texts = await Promise.all(names.map((n) => readFile(join(box, n), 'utf8')));
      return texts.filter((t) => t.includes(marker));
    },
    async stop() {
      await postfix.stop();
      await dir.cleanup();
    },
  };
}

let suite: Suite | undefined;
let pf: Postfix | undefined;

beforeAll(async () => {
  const mx = await freePort();
  pf = await startPostfix(mx);
  suite = await startSuite({ domain: 's.test', users: USERS, mxPort: mx, transport: { 'p.test': `smtp:[127.0.0.1]:${pf.port}` } });
}, 60_000);

afterAll(async () => {
  await suite?.stop();
  await pf?.stop();
});

describe('interoperation with Postfix', () => {
  it('the queue-runner delivers to Postfix, which stores the message in its virtual Maildir', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: suite!.ports.submission, requireTLS: true, auth: { user: 'sam@s.test', pass: USERS['sam@s.test'] }, tls: { rejectUnauthorized: false }, name: 'client.s.test' });
    const info = await t.sendMail({ from: 'sam@s.test', to: 'pat@p.test', subject: 'to postfix', text: 'marker-pf-out\n' });
    t.close();
    await waitFor(async () => (await pf!.delivered('pat', 'marker-pf-out')).length > 0, 45_000, () => 'not in Postfix’s Maildir');
    const files = await pf!.delivered('pat', 'marker-pf-out');
    expect(files).toHaveLength(1);
    const text = files[0]!;
    expect(text).toMatch(/^Return-Path: <sam@s\.test>\r?\n/);
    expect(text).toMatch(/^Delivered-To: pat@p\.test$/m);
    expect(text).toMatch(/^Received: from mx\.s\.test \((?:localhost|unknown) \[127\.0\.0\.1\]\)\r?\n\s+by mx\.p\.test \(Postfix\)/m);
    expect(text).toMatch(/^DKIM-Signature: .*d=s\.test/m);
    expect(text).toContain(`Message-ID: ${info.messageId}`);
  }, 90_000);

  it('Postfix relays mail for s.test into this suite’s Maildir', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: pf!.port, ignoreTLS: true, name: 'client.p.test' });
    const info = await t.sendMail({ envelope: { from: 'pat@p.test', to: ['sam@s.test'] }, from: 'pat@p.test', to: 'sam@s.test', subject: 'from postfix', text: 'marker-pf-in\n' });
    t.close();
    await waitFor(async () => (await suite!.delivered('sam', 'marker-pf-in')).length > 0, 45_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: not delivered; Postfix's log:\n${await pf!.log()}`);
    });
    const files = await suite!.delivered('sam', 'marker-pf-in');
    expect(files).toHaveLength(1);
    const text = files[0]!;
    expect(text).toMatch(/^Return-Path: <pat@p\.test>\r?\nDelivered-To: sam@s\.test\r?\n/);
    // Postfix's smtp client uses the STARTTLS this suite's MX offers (smtp_tls_security_level = may).
    expect(text).toMatch(/^Received: from mx\.p\.test \(unknown \[127\.0\.0\.1\]\)\r?\n\s+\(using TLS[^\r\n]*\r?\n\s+by mx\.s\.test with ESMTPS id /m);
    expect(text).toContain(`Message-ID: ${info.messageId}`);
  }, 90_000);
});
