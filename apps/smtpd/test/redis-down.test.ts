// start() with the default queue while Redis cannot be reached: smtpd still starts and defers mail with 451 4.3.0.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mail/config';
import { createLogger } from '@mail/log';
import { freePort, tempDir, type TempDir } from '@mail/testing';
import { start, type Smtpd } from '../src/main.js';
import { SmtpClient } from './support/client.js';

let dir: TempDir;
let smtpd: Smtpd;
beforeAll(async () => {
  dir = await tempDir('smtpd-noredis-');
  for (const [f, text] of [['domains', 'files.test\n'], ['aliases', ''], ['virtual', '']] as const) await writeFile(join(dir.path, f), text);
  await writeFile(join(dir.path, 'users'), 'carol@files.test:{PLAIN}pw::::::\n', { mode: 0o640 });
  const config = parseConfig({
    hostname: 'mx.test',
    mynetworks: [],
    redis: { url: `redis://127.0.0.1:${await freePort()}/0` },
    paths: { data: dir.path, users: join(dir.path, 'users'), domains: join(dir.path, 'domains'), aliases: join(dir.path, 'aliases'), virtual: join(dir.path, 'virtual') },
    smtpd: { listeners: [{ host: '127.0.0.1', port: await freePort(), tls: 'none', mode: 'mx' }] },
  });
  smtpd = await start(config, createLogger('smtpd', { level: 'silent' }), { resolver: { lookup: async () => undefined } });
});
afterAll(async () => {
  await smtpd?.stop();
  await dir?.cleanup();
});

describe('no Redis', () => {
  it('starts, and defers messages with 451 4.3.0', async () => {
    const c = await SmtpClient.connect(smtpd.listeners()[0]!.port);
    try {
      expect((await c.reply()).code).toBe(220);
      await c.ehlo();
      expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
      expect((await c.cmd('RCPT TO:<carol@files.test>')).code).toBe(250);
      expect((await c.cmd('DATA')).code).toBe(354);
      c.write('Subject: x\r\n\r\nb\r\n.\r\n');
      expect((await c.reply()).raw).toMatch(/^451 4\.3\.0 /);
      // The session is still usable.
      expect((await c.cmd('NOOP')).code).toBe(250);
    } finally {
      c.close();
    }
  });
});
