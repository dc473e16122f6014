// Sessions see changes made elsewhere: two Maildir stores on one directory, each with its own Redis connection
// and change notifier (as two processes would have), one serving imapd and the other delivering and flagging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisNotifier, MaildirStore } from '@mail/maildir';
import { tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { startHarness, stopSharedTls, USER, type Harness } from './test-support.js';

let redis: TestRedis;
let dir: TempDir;
let h: Harness;
const closers: Array<() => Promise<unknown>> = [];

function storeWithNotifier(): MaildirStore {
  const client = new Redis(redis.url);
  const notifier = createRedisNotifier(client, { channelPrefix: `${redis.prefix}:maildir` });
  const store = new MaildirStore({ location: `${dir.path}/%d/%n/Maildir`, notifier });
  closers.push(async () => {
    await store.close();
    await notifier.close();
    client.disconnect();
  });
  return store;
}

beforeAll(async () => {
  redis = await testRedis();
  dir = await tempDir('imapd-notify-');
});

afterAll(async () => {
  await h?.stop();
  for (const c of closers.reverse()) await c();
  await dir.cleanup();
  await redis.stop();
  await stopSharedTls();
});

describe('changes across processes', () => {
  it('IDLE receives a delivery, NOOP a flag change and an expunge, made through another store', async () => {
    const served = storeWithNotifier();
    const other = storeWithNotifier();
    h = await startHarness({ deps: { mailboxes: { open: (a) => served.openMailbox(a.address), subscribe: (a, l) => served.subscribe(a, l) } } });
    await other.deliver(USER, 'INBOX', 'Subject: first\r\n\r\nbody\r\n');
    const c = await h.login();
    await c.ok('SELECT INBOX');
    await new Promise((r) => setTimeout(r, 100));
    await served.notifier.ready();
    c.write('i1 IDLE\r\n');
    expect(await c.line()).toBe('+ idling');
    await other.deliver(USER, 'INBOX', 'Subject: second\r\n\r\nbody\r\n');
    expect(await c.line()).toBe('* 2 EXISTS');
    expect(await c.line()).toBe('* 2 RECENT');
    c.write('DONE\r\n');
    expect((await c.reply('i1')).status).toBe('OK');
    const folder = await (await other.openMailbox(USER)).folder('INBOX');
    await folder.setFlags([1], 'add', ['\\Deleted']);
    await new Promise((r) => setTimeout(r, 200));
    // No EXPUNGE during FETCH: the vanished message keeps its number until a command that may report it.
    await folder.expunge([1]);
    await new Promise((r) => setTimeout(r, 200));
    const f = await c.cmd('FETCH 1:* (FLAGS)');
    expect(f.untagged.some((l) => l.includes('EXPUNGE'))).toBe(false);
    const n = await c.ok('NOOP');
    expect(n.untagged).toContain('* 1 EXPUNGE');
  });
});
