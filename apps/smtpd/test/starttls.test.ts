// STARTTLS (RFC 3207) and implicit TLS: what is advertised before and after, the session reset, and the
// CVE-2011-0411 protection: commands pipelined after STARTTLS in plaintext are never run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpClient } from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
beforeAll(async () => {
  // Clients appear to come from a non-loopback address, so AUTH depends on TLS.
  srv = await startServer({
    clientIp: '192.0.2.10',
    listeners: [
      { mode: 'mx', tls: 'starttls' },
      { mode: 'submissions', tls: 'implicit' },
      { mode: 'submission', tls: 'none' },
    ],
  });
});
afterAll(async () => {
  await srv.stop();
});

describe('STARTTLS', () => {
  it('is offered in plaintext without AUTH; after it, AUTH is offered and STARTTLS is not', async () => {
    const c = await srv.open('mx', false);
    const before = await c.ehlo();
    expect(before.lines).toContain('STARTTLS');
    expect(before.lines.some((l) => l.startsWith('AUTH'))).toBe(false);
    expect((await c.startTls()).raw).toBe('220 2.0.0 Ready to start TLS');
    const after = await c.ehlo();
    expect(after.lines).not.toContain('STARTTLS');
    expect(after.lines).toContain('AUTH PLAIN LOGIN');
  });

  it('forgets the plaintext session: EHLO is needed again', async () => {
    const c = await srv.open('mx');
    await c.startTls();
    expect((await c.cmd('MAIL FROM:<s@remote.test>')).raw).toBe('503 5.5.1 Error: send HELO/EHLO first');
  });

  it('discards commands pipelined after STARTTLS before the handshake (CVE-2011-0411)', async () => {
    const c = await srv.open('mx');
    // One write: STARTTLS plus commands an attacker injected in the plaintext stream.
    c.write('STARTTLS\r\nEHLO evil.test\r\nMAIL FROM:<evil@remote.test>\r\n');
    expect((await c.reply()).raw).toBe('220 2.0.0 Ready to start TLS');
    expect(c.unread).toBe('');
    await c.upgrade();
    // Were the injected commands run, their replies would come first on the TLS stream.
    expect((await c.cmd('NOOP')).raw).toBe('250 2.0.0 Ok');
    expect((await c.cmd('MAIL FROM:<s@remote.test>')).raw).toBe('503 5.5.1 Error: send HELO/EHLO first');
    expect(c.unread).toBe('');
    expect(srv.logs.some((l) => l.includes('discarded input sent after STARTTLS'))).toBe(true);
  });

  it('refuses a second STARTTLS, and STARTTLS with arguments', async () => {
    const c = await srv.open('mx');
    expect((await c.cmd('STARTTLS now')).raw).toBe('501 5.5.4 Syntax: STARTTLS');
    await c.startTls();
    await c.ehlo();
    expect((await c.cmd('STARTTLS')).raw).toBe('503 5.5.1 Error: TLS already active');
  });

  it('records TLS in the Received header', async () => {
    const c = await srv.open('mx');
    await c.startTls();
    await c.ehlo();
    expect((await c.sendMail('s@remote.test', ['alice@local.test'], 'Subject: tls\r\n\r\nx\r\n')).code).toBe(250);
    expect(srv.sink.last!.message).toMatch(/^Received: from client\.test \(client\.example \[192\.0\.2\.10\]\)\r\n\t\(using TLSv1\.[23] with cipher [A-Z0-9_-]+\)\r\n\tby mx\.test with ESMTPS id /);
    expect(srv.sink.last!.envelope.client.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('is not offered on a plaintext-only listener', async () => {
    const c = await srv.open('submission', false);
    expect((await c.ehlo()).lines).not.toContain('STARTTLS');
    expect((await c.cmd('STARTTLS')).raw).toBe('502 5.5.1 Error: command not implemented');
  });

  it('a failed handshake ends the connection only', async () => {
    const c = await srv.open('mx');
    expect((await c.cmd('STARTTLS')).code).toBe(220);
    c.write('this is not a TLS ClientHello\r\n');
    await c.closed();
    const d = await srv.open('mx');
    expect((await d.cmd('NOOP')).code).toBe(250);
  });
});

describe('implicit TLS (submissions)', () => {
  it('greets over TLS and offers AUTH but not STARTTLS', async () => {
    const c = await SmtpClient.connect(srv.port('submissions'), { tls: true });
    try {
      expect((await c.reply()).code).toBe(220);
      const r = await c.ehlo();
      expect(r.lines).toContain('AUTH PLAIN LOGIN');
      expect(r.lines).not.toContain('STARTTLS');
    } finally {
      c.close();
    }
  });
});

describe('pipelining over TLS', () => {
  it('answers commands pipelined behind replies that wait for the client to read', async () => {
    const c = await srv.open('submissions');
    // More replies than the TLS stream buffers: the server waits for the socket to drain while the rest of the
    // commands arrive, and must still see them.
    const n = 20000;
    c.socket.pause();
    c.write('EHLO client.test\r\n'.repeat(n));
    await new Promise((r) => setTimeout(r, 200));
    c.write('EHLO client.test\r\n'.repeat(10));
    await new Promise((r) => setTimeout(r, 100));
    c.socket.resume();
    for (let i = 0; i < n + 10; i++) expect((await c.reply()).code).toBe(250);
    expect((await c.cmd('QUIT')).code).toBe(221);
  });
});
