// Session tests of the message commands: FETCH (attributes, sections, partials, BINARY, \Seen), STORE (flags,
// keywords, UNCHANGEDSINCE), COPY and MOVE with COPYUID, and their UID forms.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pooledBytes } from './buffer-pool.js';
import { PASSWORD, startHarness, stopSharedTls, USER, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(stopSharedTls);

const SIMPLE = 'From: Ann <ann@example.test>\nTo: alice@example.test\nSubject: Hi there\nMessage-ID: <1@example.test>\nDate: Mon, 1 Jul 2024 10:00:00 +0000\n\nHello\nWorld\n';
const MULTI = [
  'From: ann@example.test',
  'Subject: parts',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'first part',
  '--b',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from([1, 2, 0, 3]).toString('base64'),
  '--b--',
  '',
].join('\r\n');

async function setup(): Promise<Harness> {
  const harness = await startHarness();
  await harness.store.deliver(USER, 'INBOX', SIMPLE);
  await harness.store.deliver(USER, 'INBOX', MULTI);
  return harness;
}

describe('FETCH', () => {
  it('returns flags, sizes, dates, envelope and structure', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const r = await c.ok('FETCH 1 (FLAGS RFC822.SIZE INTERNALDATE ENVELOPE UID)');
    const crlfSize = SIMPLE.replace(/\n/g, '\r\n').length;
    expect(r.untagged[0]).toMatch(new RegExp(`^\\* 1 FETCH \\(FLAGS \\(\\\\Recent\\) RFC822\\.SIZE ${crlfSize} INTERNALDATE "[^"]+" ENVELOPE \\("Mon, 1 Jul 2024 10:00:00 \\+0000" "Hi there" \\(\\("Ann" NIL "ann" "example.test"\\)\\)`));
    expect(r.untagged[0]).toMatch(/UID 1\)$/);
    const b = await c.ok('FETCH 2 BODYSTRUCTURE');
    expect(b.untagged[0]).toMatch(/^\* 2 FETCH \(BODYSTRUCTURE \(\("text" "plain" \("charset" "utf-8"\) NIL NIL "7bit" 10 0 .*"mixed" \("boundary" "b"\)/);
    const fast = await c.ok('FETCH 1:* FAST');
    expect(fast.untagged).toHaveLength(2);
  });

  it('returns sections in CRLF form, partials, and sets \\Seen unless PEEK', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const peek = await c.ok('FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]');
    expect(peek.untagged[0]).toBe('* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {21}\r\nSubject: Hi there\r\n\r\n)');
    expect((await c.ok('FETCH 1 FLAGS')).untagged[0]).toBe('* 1 FETCH (FLAGS (\\Recent))');
    const text = await c.ok('FETCH 1 BODY[TEXT]');
    expect(text.untagged[0]).toBe('* 1 FETCH (BODY[TEXT] {14}\r\nHello\r\nWorld\r\n FLAGS (\\Seen \\Recent))');
    const part = await c.ok('UID FETCH 2 (BODY.PEEK[1] BODY.PEEK[]<0.4>)');
    expect(part.untagged[0]).toBe('* 2 FETCH (UID 2 BODY[1] {10}\r\nfirst part BODY[]<0> {4}\r\nFrom)');
    const whole = await c.ok('FETCH 1 BODY.PEEK[]');
    expect(whole.untagged[0]).toContain(`{${SIMPLE.replace(/\n/g, '\r\n').length}}\r\n${SIMPLE.replace(/\n/g, '\r\n')})`);
    const mime = await c.ok('FETCH 2 BODY.PEEK[2.MIME]');
    expect(mime.untagged[0]).toContain('Content-Transfer-Encoding: base64');
  });

  it('decodes BINARY sections and reports BINARY.SIZE', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const r = await c.ok('FETCH 2 (BINARY.SIZE[2] BINARY.PEEK[1])');
    expect(r.untagged[0]).toBe('* 2 FETCH (BINARY.SIZE[2] 4 BINARY[1] {10}\r\nfirst part)');
    const bin = await c.ok('FETCH 2 BINARY.PEEK[2]');
    expect(bin.untagged[0]).toBe('* 2 FETCH (BINARY[2] ~{4}\r\n\x01\x02\x00\x03)');
  });

  it('rejects sequence numbers past the end', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    expect((await c.cmd('FETCH 3 FLAGS')).status).toBe('BAD');
    expect((await c.ok('UID FETCH 3:* FLAGS')).untagged).toEqual(['* 2 FETCH (UID 2 FLAGS (\\Recent))']);
  });
});

describe('FETCH of whole messages behind a slow reader', () => {
  // The replies back up while the client does not read, so the server waits for the socket to drain while the
  // commands pipelined after them arrive: those must still be answered, and every message must arrive intact.
  const message = (i: number): string => `Subject: message ${i}\n\n${Array.from({ length: 1000 + 40 * i }, (_, j) => `message ${i} line ${j}\n`).join('')}`;
  const COUNT = 30;

  for (const tls of [false, true]) {
    it(`answers commands pipelined behind replies that wait for the socket, every message intact${tls ? ', over TLS' : ''}`, async () => {
      h = await startHarness();
      for (let i = 1; i <= COUNT; i++) await h.store.deliver(USER, 'INBOX', message(i));
      const c = await h.client({ tls });
      await c.ok(`LOGIN ${USER} ${PASSWORD}`);
      await c.ok('SELECT INBOX');
      c.socket.pause();
      c.write(`b1 FETCH 1:* BODY.PEEK[]\r\nb2 FETCH ${COUNT}:1 BODY.PEEK[]\r\n`);
      for (let i = 1; i <= 3; i++) c.write(`b${2 + i} FETCH ${i} BODY.PEEK[]\r\n`);
      await new Promise((r) => setTimeout(r, 300));
      c.socket.resume();
      const replies = [await c.reply('b1', 20_000), await c.reply('b2', 20_000)];
      for (let i = 1; i <= 3; i++) replies.push(await c.reply(`b${2 + i}`, 20_000));
      for (const r of replies) {
        expect(r.status).toBe('OK');
        for (const line of r.untagged) {
          const seq = Number(/^\* (\d+) FETCH/.exec(line)?.[1]);
          const body = message(seq).replace(/\n/g, '\r\n');
          expect(line).toBe(`* ${seq} FETCH (BODY[] {${body.length}}\r\n${body})`);
        }
      }
      expect(replies.map((r) => r.untagged.length)).toEqual([COUNT, COUNT, 1, 1, 1]);
    });
  }

  it('reads a message into memory that the socket gave back, once its reply went out at once', async () => {
    h = await startHarness();
    await h.store.deliver(USER, 'INBOX', message(1));
    const c = await h.login();
    await c.ok('SELECT INBOX');
    await c.ok('FETCH 1 BODY.PEEK[]');
    // The message is about 23 KB: its reply was read into 32 KiB of pooled memory, now given back.
    const pooled = pooledBytes();
    expect(pooled).toBeGreaterThanOrEqual(32 * 1024);
    const again = await c.ok('FETCH 1 BODY.PEEK[]');
    expect(again.untagged[0]).toContain(message(1).replace(/\n/g, '\r\n'));
    expect(pooledBytes()).toBe(pooled);
  });
});

describe('STORE', () => {
  it('adds, removes and replaces flags and keywords; another session sees them', async () => {
    h = await setup();
    const c = await h.login();
    const other = await h.login();
    await c.ok('SELECT INBOX');
    await other.ok('EXAMINE INBOX');
    expect((await c.ok('STORE 1 +FLAGS (\\Flagged $Work)')).untagged).toEqual(['* 1 FETCH (FLAGS (\\Flagged $Work \\Recent))']);
    expect((await c.ok('UID STORE 1:2 -FLAGS.SILENT (\\Flagged)')).untagged).toEqual([]);
    expect((await c.ok('STORE 2 FLAGS (\\Seen)')).untagged).toEqual(['* 2 FETCH (FLAGS (\\Seen \\Recent))']);
    const seen = await other.ok('NOOP');
    expect(seen.untagged).toContain('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)');
    expect(seen.untagged).toContain('* 1 FETCH (UID 1 FLAGS ($Work))');
    expect(seen.untagged).toContain('* 2 FETCH (UID 2 FLAGS (\\Seen))');
    expect((await other.cmd('STORE 1 +FLAGS (\\Seen)')).text).toMatch(/^\[READ-ONLY\]/);
  });

  it("reports another session's flag change that came before its own STORE", async () => {
    h = await setup();
    const c = await h.login();
    const other = await h.login();
    await c.ok('SELECT INBOX');
    await other.ok('SELECT INBOX');
    await other.ok('STORE 1 +FLAGS.SILENT (\\Answered)');
    // Its own change takes the next mod-sequence, above the one it has not reported yet.
    const r = await c.ok('STORE 2 +FLAGS (\\Flagged)');
    const noop = await c.ok('NOOP');
    expect([...r.untagged, ...noop.untagged]).toContain('* 1 FETCH (UID 1 FLAGS (\\Answered \\Recent))');
  });

  it("reports another session's flag change that came before its own EXPUNGE, and those after it", async () => {
    h = await setup();
    await h.store.deliver(USER, 'INBOX', SIMPLE);
    const c = await h.login();
    const other = await h.login();
    await c.ok('SELECT INBOX');
    await other.ok('SELECT INBOX');
    await c.ok('STORE 3 +FLAGS.SILENT (\\Deleted)');
    await other.ok('STORE 1 +FLAGS.SILENT (\\Answered)');
    const r = await c.ok('EXPUNGE');
    const noop = await c.ok('NOOP');
    expect(r.untagged).toContain('* 3 EXPUNGE');
    expect([...r.untagged, ...noop.untagged]).toContain('* 1 FETCH (UID 1 FLAGS (\\Answered \\Recent))');
    await other.ok('STORE 2 +FLAGS.SILENT (\\Flagged)');
    expect((await c.ok('NOOP')).untagged).toContain('* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))');
  });

  it('honours UNCHANGEDSINCE with MODIFIED', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX (CONDSTORE)');
    const f = await c.ok('FETCH 1:* MODSEQ');
    const modseq = Math.max(...f.untagged.map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)?.[1])));
    await c.ok('STORE 1 +FLAGS (\\Answered)');
    const r = await c.ok(`STORE 1:2 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Flagged)`);
    expect(r.text).toBe('[MODIFIED 1] Conditional STORE failed');
    expect(r.untagged).toHaveLength(1);
    expect(r.untagged[0]).toMatch(/^\* 2 FETCH \(FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)$/);
  });
});

describe('COPY and MOVE', () => {
  it('copies with COPYUID and asks to create missing targets', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('CREATE Archive');
    await c.ok('SELECT INBOX');
    expect((await c.ok('COPY 1:2 Archive')).text).toMatch(/^\[COPYUID \d+ 1:2 1:2\] Copy completed$/);
    expect((await c.cmd('COPY 1 Nope')).text).toMatch(/^\[TRYCREATE\]/);
    const m = await c.ok('UID MOVE 1 Archive');
    expect(m.untagged[0]).toMatch(/^\* OK \[COPYUID \d+ 1 3\] Moved$/);
    expect(m.untagged[1]).toBe('* 1 EXPUNGE');
    const s = await c.ok('STATUS Archive (MESSAGES)');
    expect(s.untagged[0]).toBe('* STATUS Archive (MESSAGES 3)');
  });
});

describe('QUOTA', () => {
  it('reports the account quota', async () => {
    const { MemoryStore } = await import('@mail/maildir');
    const store = new MemoryStore({ quota: () => ({ storage: 10 * 1024 * 1024, messages: 100 }) });
    h = await startHarness({ store });
    await store.deliver(USER, 'INBOX', SIMPLE);
    const c = await h.login();
    const r = await c.ok('GETQUOTAROOT INBOX');
    expect(r.untagged).toEqual(['* QUOTAROOT INBOX ""', '* QUOTA "" (STORAGE 1 10240 MESSAGE 1 100)']);
    expect((await c.ok('GETQUOTA ""')).untagged).toEqual(['* QUOTA "" (STORAGE 1 10240 MESSAGE 1 100)']);
    expect((await c.cmd('SETQUOTA "" (STORAGE 1)')).text).toMatch(/^\[NOPERM\]/);
    await store.close();
  });

  it('refuses APPEND and COPY over quota with OVERQUOTA', async () => {
    const { MemoryStore } = await import('@mail/maildir');
    const store = new MemoryStore({ quota: () => ({ messages: 1 }) });
    h = await startHarness({ store });
    await store.deliver(USER, 'INBOX', SIMPLE);
    const c = await h.login();
    const r = await c.cmd(`APPEND INBOX {${SIMPLE.length}+}\r\n${SIMPLE}`);
    expect(r.text).toMatch(/^\[OVERQUOTA\]/);
    await c.ok('SELECT INBOX');
    expect((await c.cmd('COPY 1 INBOX')).text).toMatch(/^\[OVERQUOTA\]/);
    await store.close();
  });

  it('has no quota root without limits', async () => {
    h = await setup();
    const c = await h.login();
    expect((await c.ok('GETQUOTAROOT INBOX')).untagged).toEqual(['* QUOTAROOT INBOX']);
    expect((await c.cmd('GETQUOTA ""')).status).toBe('NO');
  });
});
