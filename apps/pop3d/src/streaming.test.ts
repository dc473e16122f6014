// RETR over a real Maildir: a 50 MB message with LF line endings is streamed with socket backpressure (never read
// into memory), arrives byte-exact with CRLF and stuffing, and RETR moves the message to cur/ with the S flag; messages
// read at once into reused buffers, pipelined to a client that reads late, arrive byte-exact too.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Authenticator, MemoryDirectory } from '@mail/auth';
import { createLogger } from '@mail/log';
import { MaildirStore } from '@mail/maildir';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryMailboxLocks } from './lock.js';
import { Pop3Server } from './server.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { TestClient } from './test-support.js';
import { uidlOf } from './uidl.js';

const USER = 'carol@example.test';
const LINES = 1_400_000;
/** Line i of the big message: every 1000th starts with a dot, to be stuffed. */
const lineOf = (i: number): string => (i % 1000 === 0 ? `.dot line ${i} of the big message\n` : `line ${i} of the big message, some text\n`);

function bigMessage(): Readable {
  return Readable.from(
    (function* () {
      yield 'From: big@example.test\nSubject: big\n\n';
      let batch = '';
      for (let i = 0; i < LINES; i++) {
        batch += lineOf(i);
        if (batch.length > 60_000) {
          yield batch;
          batch = '';
        }
      }
      yield batch;
    })(),
  );
}

/** sha256 and length of what RETR must send: CRLF, stuffed, terminator. */
function expected(): { hash: string; octets: number; wire: number } {
  const h = createHash('sha256');
  let octets = 0;
  let wire = 0;
  const add = (s: string, stuffing = 0): void => {
    h.update(s);
    wire += s.length;
    octets += s.length - stuffing;
  };
  add('From: big@example.test\r\nSubject: big\r\n\r\n');
  for (let i = 0; i < LINES; i++) {
    const l = lineOf(i).replace('\n', '\r\n');
    if (l.startsWith('.')) add(`.${l}`, 1);
    else add(l);
  }
  h.update('.\r\n');
  wire += 3;
  return { hash: h.digest('hex'), octets, wire };
}

let dir: TempDir | undefined;
let server: Pop3Server | undefined;
let store: MaildirStore | undefined;
afterEach(async () => {
  await server?.stop(1000);
  await store?.close();
  await dir?.cleanup();
  server = undefined;
  store = undefined;
  dir = undefined;
});

async function startServer(s: MaildirStore, users = [USER]): Promise<number> {
  const directory = new MemoryDirectory({ configDomains: ['example.test'] });
  for (const address of users) await directory.addAccount({ address, passwordHash: '{PLAIN}pw' });
  server = new Pop3Server({
    deps: {
      auth: new Authenticator({ directory }),
      accounts: directory,
      inboxes: { open: async (a) => (await s.openMailbox(a.address)).folder('INBOX') },
      locks: new MemoryMailboxLocks(),
    },
    settings: { ...DEFAULT_SETTINGS },
    log: createLogger('pop3d-test', { level: 'silent' }),
    maxConnections: 10,
    maxPerIp: 10,
  });
  await server.listen([{ host: '127.0.0.1', port: 0, tls: 'none' }]);
  return server.addresses()[0]!.port;
}

describe('RETR of messages read at once', () => {
  it('sends every message byte-exact to two clients that read late (buffers are reused only once written)', async () => {
    dir = await tempDir('pop3d-many-');
    store = new MaildirStore({ location: join(dir.path, '%d/%n/Maildir') });
    const users = [USER, 'dan@example.test'];
    // About 300 KB each, 4.5 MB per mailbox: more than the kernel holds for a client that does not read, so that one
    // session's last message waits in its socket while the other session reads and converts. Different octets in each;
    // every third one CRLF without dot lines (sent as read, so copied out of the buffer it was read into).
    const messages = Array.from({ length: 15 }, (_, m) => {
      const eol = m % 3 === 0 ? '\r\n' : '\n';
      const lines = Array.from({ length: 9000 }, (_, i) => (m % 3 !== 0 && i % 97 === 0 ? `.dot ${m}/${i}` : `line ${i} of message ${m}, some text`));
      return `Subject: ${m}${eol}${eol}${lines.join(eol)}${eol}`;
    });
    const mailboxes = users.map((user, u) => messages.map((m) => m.replaceAll('some text', `for user ${u}`)));
    for (const [u, user] of users.entries()) for (const m of mailboxes[u]!) await store.deliver(user, 'INBOX', m);
    const port = await startServer(store, users);

    const transcripts = await Promise.all(
      users.map(async (user) => {
        const socket = connect({ host: '127.0.0.1', port });
        const parts: Buffer[] = [];
        socket.on('data', (d: Buffer) => parts.push(d));
        const closed = new Promise((r) => socket.once('close', r));
        socket.pause();
        socket.write(`USER ${user}\r\nPASS pw\r\n${messages.map((_, i) => `RETR ${i + 1}\r\n`).join('')}QUIT\r\n`);
        await new Promise((r) => setTimeout(r, 300));
        socket.resume();
        await closed;
        return Buffer.concat(parts).toString('latin1');
      }),
    );

    for (const [u, all] of transcripts.entries()) {
      let at = 0;
      for (const [i, m] of mailboxes[u]!.entries()) {
        const crlf = m.replace(/(?<!\r)\n/g, '\r\n');
        const status = `+OK ${crlf.length} octets\r\n`;
        const start = all.indexOf(status, at);
        expect(start, `user ${u}, message ${i + 1}`).toBeGreaterThan(0);
        at = start + status.length;
        const body = `${crlf.replace(/^\./gm, '..')}.\r\n`;
        expect(all.slice(at, at + body.length) === body, `user ${u}, message ${i + 1}`).toBe(true);
        at += body.length;
      }
      expect(all.slice(at)).toMatch(/^\+OK /);
    }
  }, 60_000);
});

describe('RETR of a large Maildir message', () => {
  it('streams 50 MB with backpressure, byte-exact, and marks it seen in cur/', async () => {
    dir = await tempDir('pop3d-big-');
    store = new MaildirStore({ location: join(dir.path, '%d/%n/Maildir') });
    const delivered = await store.deliver(USER, 'INBOX', bigMessage());
    expect(delivered.status).toBe('delivered');
    const s = store;
    const port = await startServer(s);
    const want = expected();

    const c = await TestClient.connect(port);
    await c.login(USER, 'pw');
    const list = await c.command('LIST 1');
    expect(list.text).toBe(`1 ${want.octets}`);
    const uidl = await c.command('UIDL 1');
    const { uidValidity } = await (await (await s.openMailbox(USER)).folder('INBOX')).status();
    expect(uidl.text).toBe(`1 ${uidlOf(1, uidValidity)}`);
    c.destroy();

    // A raw client that stops reading for a while, then counts and hashes what arrives.
    const socket = connect({ host: '127.0.0.1', port });
    const hash = createHash('sha256');
    let received = 0;
    let status = '';
    let head = Buffer.alloc(0);
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (d: Buffer) => {
        if (status.length === 0 || !status.includes('octets')) {
          head = Buffer.concat([head, d]);
          const text = head.toString('latin1');
          const at = text.indexOf('octets\r\n');
          if (at < 0) return;
          status = text.slice(0, at + 8);
          d = head.subarray(at + 8);
        }
        if (received >= want.wire) return; // the QUIT reply
        const body = d.subarray(0, want.wire - received);
        hash.update(body);
        received += body.length;
        if (received >= want.wire) resolve();
      });
    });
    // Paused at once: the test must not depend on how much of the message a fast server gets across first.
    socket.pause();
    socket.write(`USER ${USER}\r\nPASS pw\r\nRETR 1\r\n`);
    await new Promise((r) => setTimeout(r, 300));
    const before = process.memoryUsage().arrayBuffers;
    await new Promise((r) => setTimeout(r, 1000));
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    expect(received).toBeLessThan(want.wire);
    socket.resume();
    await done;
    expect(status).toContain(`+OK ${want.octets} octets`);
    expect(received).toBe(want.wire);
    expect(hash.digest('hex')).toBe(want.hash);
    socket.end('QUIT\r\n');
    await new Promise((r) => socket.once('close', r));

    const root = join(dir.path, 'example.test/carol/Maildir');
    await expect.poll(async () => (await readdir(join(root, 'cur'))).filter((n) => n.endsWith(':2,S')).length).toBe(1);
    expect(await readdir(join(root, 'new'))).toEqual([]);
  }, 120_000);
});
