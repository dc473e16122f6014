// start() with no collaborators given: the account files through @mail/auth, a development certificate through
// @mail/tls, the spool and queues of @mail/queue, and failed-login throttling in Redis.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '@mail/config';
import { createLogger } from '@mail/log';
import { QueueAdmin } from '@mail/queue';
import { freePort, spawnRedis, tempDir, type SpawnedRedis, type TempDir } from '@mail/testing';
import { start, type Smtpd } from '../src/main.js';
import { SmtpClient } from './support/client.js';
import { plain } from './support/server.js';

let dir: TempDir;
let smtpd: Smtpd;
const redisConfig = (): Config['redis'] => parseConfig({ redis: { url: redis.url, prefix: redis.prefix } }).redis;
let redis: SpawnedRedis;
beforeAll(async () => {
  redis = await spawnRedis();
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
    redis: { url: redis.url, prefix: redis.prefix },
    auth: { throttle: { freeFailures: 0, delay: '10ms', ipLockout: 3 } },
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
  await redis?.stop();
});

describe('default collaborators', () => {
  it('verifies recipients against the account files and queues the message', async () => {
    const c = await SmtpClient.connect(smtpd.listeners()[0]!.port);
    try {
      expect((await c.reply()).code).toBe(220);
      expect((await c.ehlo()).lines).toContain('STARTTLS');
      expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(250);
      expect((await c.cmd('RCPT TO:<nobody@files.test>')).code).toBe(550);
      expect((await c.cmd('RCPT TO:<carol@files.test>')).code).toBe(250);
      expect((await c.cmd('DATA')).code).toBe(354);
      c.write('Subject: x\r\n\r\nb\r\n.\r\n');
      const r = await c.reply();
      expect(r.raw).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-Z]{26}$/);
      const admin = await QueueAdmin.open({ redis: redisConfig() });
      try {
        expect((await admin.get(`${r.raw.slice(-26)}-d`))?.recipients).toEqual([{ address: 'carol@files.test' }]);
      } finally {
        await admin.close();
      }
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

  it('locks a client address out after repeated failed logins, through Redis', async () => {
    let refused: string | undefined;
    for (let attempt = 0; attempt < 4 && !refused; attempt++) {
      const c = await SmtpClient.connect(smtpd.listeners()[1]!.port, { tls: true });
      try {
        await c.reply();
        await c.ehlo();
        const r = await c.cmd(`AUTH PLAIN ${plain('carol@files.test', 'wrong')}`);
        if (r.code === 454) refused = r.raw;
        else expect(r.code).toBe(535);
      } finally {
        c.close();
      }
    }
    expect(refused).toBe('454 4.7.0 Temporary authentication failure: too many failed logins, try again later');
    const c = await SmtpClient.connect(smtpd.listeners()[1]!.port, { tls: true });
    try {
      await c.reply();
      await c.ehlo();
      expect((await c.cmd(`AUTH PLAIN ${plain('carol@files.test', 'carol-pw')}`)).code).toBe(454);
    } finally {
      c.close();
    }
  });
});
