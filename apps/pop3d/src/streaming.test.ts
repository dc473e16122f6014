// RETR over a real Maildir: a 50 MB message with LF line endings is streamed with socket backpressure (never read
// into memory), arrives byte-exact with CRLF and stuffing, and RETR moves the message to cur/ with the S flag.
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

describe('RETR of a large Maildir message', () => {
  it('streams 50 MB with backpressure, byte-exact, and marks it seen in cur/', async () => {
    dir = await tempDir('pop3d-big-');
    store = new MaildirStore({ location: join(dir.path, '%d/%n/Maildir') });
    const directory = new MemoryDirectory({ configDomains: ['example.test'] });
    await directory.addAccount({ address: USER, passwordHash: '{PLAIN}pw' });
    const delivered = await store.deliver(USER, 'INBOX', bigMessage());
    expect(delivered.status).toBe('delivered');
    const s = store;
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
    const port = server.addresses()[0]!.port;
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
