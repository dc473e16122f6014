// Session tests over loopback sockets with the in-memory store: login, pipelining, STLS and implicit TLS, the
// session lock, dropped connections, limits (bad commands, failed logins, idle time, line length, connections).
import type { TlsProvider } from '@mail/tls';
import { tempDir, type TempDir } from '@mail/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testTls, TestClient, type Harness } from './test-support.js';

let h: Harness | undefined;
let certDir: TempDir;
let tls: TlsProvider;
beforeAll(async () => {
  certDir = await tempDir('pop3d-tls-');
  tls = await testTls(certDir.path);
});
afterAll(async () => {
  tls.close();
  await certDir.cleanup();
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const M1 = 'From: a@example.test\r\nSubject: one\r\n\r\nHello\r\n';
const M2 = 'From: b@example.test\nSubject: two\n\nLine one\n.dot line\nlast\n';
const crlf = (s: string): string => s.replace(/(?<!\r)\n/g, '\r\n');
const stuffed = (s: string): string => crlf(s).replace(/^\./gm, '..');

describe('login and transaction', () => {
  it('greets with an APOP timestamp, lists, retrieves byte-stuffed CRLF text and quits', async () => {
    h = await startHarness({ messages: [M1, M2] });
    const c = await h.client();
    expect(c.greeting).toMatch(/^\+OK POP3 server ready <\d+\.[0-9a-f]+\.\d+@pop\.example\.test>$/);
    await c.login();
    expect(await c.command('STAT')).toEqual({ ok: true, text: `2 ${M1.length + crlf(M2).length}` });
    const list = await c.command('LIST', true);
    expect(list.lines).toEqual([`1 ${M1.length}`, `2 ${crlf(M2).length}`]);
    const r = await c.command('RETR 2', true);
    expect(r.text).toBe(`${crlf(M2).length} octets`);
    expect(r.raw!.toString()).toBe(stuffed(M2));
    expect(await c.quit()).toEqual({ ok: true, text: 'Logging out.' });
    const snap = await (await h.inbox()).snapshot();
    expect(snap.messages.map((m) => m.flags)).toEqual([[], ['\\Seen']]);
  });

  it('greets without a timestamp when APOP is not available, and refuses APOP', async () => {
    h = await startHarness({ deps: { apopAvailable: async () => false } });
    const c = await h.client();
    expect(c.greeting).toBe('+OK POP3 server ready.');
    expect(await c.command('APOP alice@example.test 0123456789abcdef0123456789abcdef')).toEqual({ ok: false, text: 'APOP is not available.' });
  });

  it('answers pipelined commands in order, a streamed RETR among them', async () => {
    h = await startHarness({ messages: [M1, M2] });
    const c = await h.client();
    c.send('CAPA\r\nUSER alice@example.test\r\nPASS correct-horse\r\nSTAT\r\nRETR 1\r\nBOGUS\r\nLIST 2\r\nDELE 1\r\nUIDL\r\nNOOP\r\nQUIT\r\n');
    expect((await c.response(true)).lines).toContain('PIPELINING');
    expect((await c.response()).ok).toBe(true);
    expect(await c.response()).toEqual({ ok: true, text: 'Logged in.' });
    expect((await c.response()).text).toBe(`2 ${M1.length + crlf(M2).length}`);
    expect((await c.response(true)).raw!.toString()).toBe(M1);
    expect(await c.response()).toEqual({ ok: false, text: 'Unknown command.' });
    expect((await c.response()).text).toBe(`2 ${crlf(M2).length}`);
    expect((await c.response()).text).toBe('Message 1 deleted.');
    expect((await c.response(true)).lines).toHaveLength(1);
    expect((await c.response()).ok).toBe(true);
    expect(await c.response()).toEqual({ ok: true, text: 'Logging out, 1 messages deleted.' });
    await c.closedByServer();
    expect((await (await h.inbox()).status()).exists).toBe(1);
  });

  it('processes everything a client sent before closing its side (half-close)', async () => {
    h = await startHarness({ messages: [M1, M2] });
    const c = await h.client();
    c.socket.end('USER alice@example.test\r\nPASS correct-horse\r\nDELE 2\r\nQUIT\r\n');
    for (let i = 0; i < 3; i++) expect((await c.response()).ok).toBe(true);
    expect((await c.response()).text).toBe('Logging out, 1 messages deleted.');
    expect((await (await h.inbox()).status()).exists).toBe(1);
  });
});

describe('the mailbox lock and the update', () => {
  it('a second concurrent session gets [IN-USE]; after QUIT the mailbox is free again', async () => {
    h = await startHarness({ messages: [M1] });
    const a = await h.client();
    await a.login();
    const b = await h.client();
    await b.command('USER alice@example.test');
    expect(await b.command('PASS correct-horse')).toEqual({ ok: false, text: '[IN-USE] Mailbox is locked by another POP3 session.' });
    await a.quit();
    await b.command('USER alice@example.test');
    expect((await b.command('PASS correct-horse')).ok).toBe(true);
  });

  it('a dropped connection after DELE deletes nothing, keeps \\Seen of what was read, and frees the lock', async () => {
    h = await startHarness({ messages: [M1, M2] });
    const a = await h.client();
    await a.login();
    await a.command('RETR 1', true);
    await a.command('DELE 1');
    await a.command('DELE 2');
    a.destroy();
    const b = await h.client();
    await b.login();
    expect((await b.command('STAT')).text).toBe(`2 ${M1.length + crlf(M2).length}`);
    const snap = await (await h.inbox()).snapshot();
    expect(snap.messages.map((m) => m.flags)).toEqual([['\\Seen'], []]);
  });
});

describe('TLS', () => {
  it('STLS: plaintext login refused before, pipelined plaintext discarded, USER and SASL PLAIN after', async () => {
    h = await startHarness({ messages: [M1], remote: true, tls });
    const c = await h.client();
    const before = await c.command('CAPA', true);
    expect(before.lines).toContain('STLS');
    expect(before.lines).not.toContain('USER');
    expect(before.lines!.some((l) => l.startsWith('SASL'))).toBe(false);
    expect(await c.command('USER alice@example.test')).toEqual({ ok: false, text: '[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.' });
    c.send('STLS\r\nUSER injected@example.test\r\n');
    expect(await c.response()).toEqual({ ok: true, text: 'Begin TLS negotiation now.' });
    await c.startTls();
    const after = await c.command('CAPA', true);
    expect(after.lines).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN LOGIN']));
    expect(after.lines).not.toContain('STLS');
    expect(await c.command('PASS correct-horse')).toEqual({ ok: false, text: 'No user name given; send USER first.' });
    expect(await c.command('STLS')).toEqual({ ok: false, text: 'TLS is already active.' });
    await c.login();
    expect((await c.command('RETR 1', true)).raw!.toString()).toBe(M1);
  });

  it('implicit TLS from the first byte', async () => {
    h = await startHarness({ messages: [M1], remote: true, tls, listener: { tls: 'implicit' } });
    const c = await h.client({ tls: true });
    expect(c.greeting.startsWith('+OK')).toBe(true);
    expect((await c.command('CAPA', true)).lines).not.toContain('STLS');
    await c.login();
    expect((await c.command('TOP 1 0', true)).raw!.toString()).toBe('From: a@example.test\r\nSubject: one\r\n\r\n');
  });

  it('implicit TLS: pipelined RETRs of messages over 64 KiB (converted into reused buffers) arrive byte-exact', async () => {
    const big = (n: number): string => `Subject: ${n}\n\n${Array.from({ length: 8000 }, (_, i) => (i % 50 === 0 ? `.${n} ${i}` : `line ${i} of ${n}`)).join('\n')}\n`;
    h = await startHarness({ messages: [big(1), big(2), big(3)], remote: true, tls, listener: { tls: 'implicit' } });
    const c = await h.client({ tls: true });
    await c.login();
    c.send('RETR 1\r\nRETR 2\r\nRETR 3\r\n');
    for (const n of [1, 2, 3]) {
      const r = await c.response(true);
      expect(r.text).toBe(`${crlf(big(n)).length} octets`);
      expect(r.raw!.toString() === stuffed(big(n)), `message ${n}`).toBe(true);
    }
  });

  it('a failed STLS handshake closes the connection', async () => {
    h = await startHarness({ tls, settings: { tlsTimeoutMs: 300 } });
    const c = await h.client();
    expect((await c.command('STLS')).ok).toBe(true);
    c.send('this is not a TLS ClientHello\r\n');
    await c.closedByServer();
  });
});

describe('limits', () => {
  it('closes after limits.badCommands bad commands', async () => {
    h = await startHarness({ settings: { badCommands: 3 } });
    const c = await h.client();
    expect(await c.command('FOO')).toEqual({ ok: false, text: 'Unknown command.' });
    expect(await c.command('RETR 1')).toEqual({ ok: false, text: 'Not logged in.' });
    expect(await c.command('BAR')).toEqual({ ok: false, text: 'Too many bad commands.' });
    await c.closedByServer();
  });

  it('closes after limits.authFailures failed logins', async () => {
    h = await startHarness({ settings: { authFailures: 2 } });
    const c = await h.client();
    await c.command('USER alice@example.test');
    expect(await c.command('PASS no')).toEqual({ ok: false, text: '[AUTH] Authentication failed.' });
    await c.command('USER alice@example.test');
    expect(await c.command('PASS no')).toEqual({ ok: false, text: '[AUTH] Authentication failed.' });
    await c.closedByServer();
  });

  it('drops an idle client without entering UPDATE', async () => {
    h = await startHarness({ messages: [M1], settings: { idleTimeoutMs: 300 } });
    const c = await h.client();
    await c.login();
    await c.command('DELE 1');
    expect(await c.response()).toEqual({ ok: false, text: 'Disconnected for inactivity.' });
    await c.closedByServer();
    expect((await (await h.inbox()).status()).exists).toBe(1);
  });

  it('refuses a line over limits.lineLength and goes on', async () => {
    h = await startHarness({ settings: { maxLine: 512 } });
    const c = await h.client();
    expect(await c.command(`USER ${'x'.repeat(600)}`)).toEqual({ ok: false, text: 'Command line too long.' });
    expect((await c.command('CAPA', true)).ok).toBe(true);
  });

  it('refuses connections over the per-address limit with [SYS/TEMP]', async () => {
    h = await startHarness({ maxPerIp: 1 });
    await h.client();
    const second = await TestClient.connect(h.port);
    expect(second.greeting).toBe('-ERR [SYS/TEMP] Too many connections from this address; try again later.');
    await second.closedByServer();
  });

  it('gives a connection slot back when the client goes', async () => {
    const harness = (h = await startHarness({ maxPerIp: 1, maxConnections: 1 }));
    const first = await harness.client();
    expect((await first.quit()).ok).toBe(true);
    await expect.poll(() => harness.server.connectionCount).toBe(0);
    const next = await harness.client();
    expect((await next.command('CAPA', true)).ok).toBe(true);
  });

  it('stops reading commands while a client does not read the replies', async () => {
    h = await startHarness({ messages: Array.from({ length: 3000 }, (_, i) => `Subject: ${i}\r\n\r\nx\r\n`) });
    const c = await h.client();
    await c.login();
    c.socket.pause();
    const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    // 2000 listings of 3000 lines: about 60 MB of replies if the server kept answering.
    c.send('LIST\r\n'.repeat(2000));
    await new Promise((r) => setTimeout(r, 1500));
    expect(used() - before).toBeLessThan(30 * 1024 * 1024);
    c.destroy();
  });

  it('refuses connections over the per-listener limit', async () => {
    h = await startHarness({ maxConnections: 2 });
    await h.client();
    await h.client();
    const third = await TestClient.connect(h.port);
    expect(third.greeting).toBe('-ERR [SYS/TEMP] Too many connections; try again later.');
  });

  it('says goodbye to connected clients when the server stops', async () => {
    h = await startHarness();
    const c = await h.client();
    const stopped = h.server.stop(2000);
    expect(await c.response()).toEqual({ ok: false, text: '[SYS/TEMP] Server shutting down.' });
    await stopped;
  });
});
