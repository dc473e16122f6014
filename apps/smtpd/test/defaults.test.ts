// start() with no collaborators given: the account files through @mail/auth, a development certificate through
// @mail/tls, and (until the queue is wired) every message deferred with 451 4.3.0.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mail/config';
import { createLogger } from '@mail/log';
import { freePort, tempDir, type TempDir } from '@mail/testing';
import { start, type Smtpd } from '../src/main.js';
import { SmtpClient } from './support/client.js';
import { plain } from './support/server.js';

let dir: TempDir;
let smtpd: Smtpd;
beforeAll(async () => {
  dir = await tempDir('smtpd-defaults-');
  const users = join(dir.path, 'users');
  const domains = join(dir.path, 'domains');
  await writeFile(users, 'carol@files.test:{PLAIN}carol-pw::::::\n', { mode: 0o640 });
  await writeFile(domains, 'files.test\n');
  for (const f of ['aliases', 'virtual']) await writeFile(join(dir.path, f), '');
  const [mx, subs] = [await freePort(), await freePort()];
  const config = parseConfig({
    hostname: 'mx.test',
    mynetworks: [],
    paths: { data: dir.path, users, domains, aliases: join(dir.path, 'aliases'), virtual: join(dir.path, 'virtual') },
    tls: { selfSigned: true, reloadInterval: 0 },
    smtpd: {
      listeners: [
        { host: '127.0.0.1', port: mx, tls: 'starttls', mode: 'mx' },
        { host: '127.0.0.1', port: subs, tls: 'implicit', mode: 'submissions' },
      ],
    },
  });
  smtpd = await start(config, createLogger('smtpd', { level: 'silent' }), { resolver: { lookup: async () => undefined } });
});
afterAll(async () => {
  await smtpd?.stop();
  await dir?.cleanup();
});

describe('default collaborators', () => {
  it('verifies recipients against the account files and defers the message', async () => {
    const c = await SmtpClient.connect(smtpd.listeners()[0]!.port);
    try {
      expect((await c.reply()).code).toBe(220);
      expect((await c.ehlo()).lines).toContain('STARTTLS');
      expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
      expect((await c.cmd('RCPT TO:<nobody@files.test>')).code).toBe(550);
      expect((await c.cmd('RCPT TO:<carol@files.test>')).code).toBe(250);
      expect((await c.cmd('DATA')).code).toBe(354);
      c.write('Subject: x\r\n\r\nb\r\n.\r\n');
      expect((await c.reply()).raw).toBe('451 4.3.0 Error: mail queue not available, try again later');
    } finally {
      c.close();
    }
  });

  it('serves implicit TLS with the development certificate and checks passwords from the user file', async () => {
    const c = await SmtpClient.connect(smtpd.listeners()[1]!.port, { tls: true });
    try {
      expect((await c.reply()).code).toBe(220);
      await c.ehlo();
      expect((await c.cmd(`AUTH PLAIN ${plain('carol@files.test', 'wrong')}`)).code).toBe(535);
      expect((await c.cmd(`AUTH PLAIN ${plain('carol@files.test', 'carol-pw')}`)).code).toBe(235);
      expect((await c.cmd('MAIL FROM:<carol@files.test>')).code).toBe(250);
      expect((await c.cmd('RCPT TO:<anyone@remote.test>')).code).toBe(250);
    } finally {
      c.close();
    }
  });
});
