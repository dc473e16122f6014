// Two stores standing for two daemons (mda and imapd) on one Maildir tree: changes travel through Redis.
import { tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../src/api.js';
import { createRedisNotifier } from '../src/notifier.js';
import { MaildirStore } from '../src/store.js';

describe('change records across processes', () => {
  let redis: TestRedis;
  let dir: TempDir;
  beforeAll(async () => {
    redis = await testRedis();
    dir = await tempDir('maildir-redis-');
  });
  afterAll(async () => {
    await dir.cleanup();
    await redis.stop();
  });

  it('lets imapd see, through Redis, what the mda delivers', async () => {
    const clients = [new Redis(redis.url), new Redis(redis.url)];
    const [mdaNotifier, imapNotifier] = clients.map((c) => createRedisNotifier(c, { channelPrefix: `${redis.prefix}:maildir` })) as [ReturnType<typeof createRedisNotifier>, ReturnType<typeof createRedisNotifier>];
    const location = `${dir.path}/%d/%n/Maildir`;
    const mda = new MaildirStore({ location, notifier: mdaNotifier });
    const imapd = new MaildirStore({ location, notifier: imapNotifier });
    try {
      const seen: ChangeRecord[] = [];
      imapd.subscribe('Dora@Example.TEST', (c) => seen.push(c));
      await imapNotifier.ready();
      const r = await mda.deliver('dora@example.test', 'INBOX', 'Subject: hi\r\n\r\nx\r\n');
      const deadline = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
      expect(seen[0]).toMatchObject({ account: 'dora@example.test', folder: 'INBOX', kind: 'append', uids: [r.status === 'delivered' ? r.uid : -1] });
      const snap = await (await (await imapd.openMailbox('dora@example.test')).folder('INBOX')).snapshot();
      expect(snap.messages.map((m) => m.uid)).toEqual(seen[0]?.uids);
    } finally {
      await mda.close();
      await imapd.close();
      await mdaNotifier.close();
      await imapNotifier.close();
      for (const c of clients) c.disconnect();
    }
  });
});
