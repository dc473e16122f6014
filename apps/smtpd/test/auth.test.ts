// AUTH (RFC 4954) over real sockets: PLAIN and LOGIN exchanges, `=` and `*`, bad base64, failures and their limit,
// the login gate, TLS requirements, and that no credential ever reaches the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain, startServer, type TestServer } from './support/server.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ config: { limits: { authFailures: 3 } } });
});
afterAll(async () => {
  await srv.stop();
});

describe('AUTH exchanges', () => {
  it('PLAIN with an initial response', async () => {
    const c = await srv.open();
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).raw).toBe('235 2.7.0 Authentication successful');
    expect((await c.ehlo()).lines.some((l) => l.startsWith('AUTH'))).toBe(false);
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).raw).toBe('503 5.5.1 Error: already authenticated');
  });

  it('PLAIN with the empty initial response "=" and then the credentials', async () => {
    const c = await srv.open();
    expect((await c.cmd('AUTH PLAIN =')).raw).toBe('334 ');
    expect((await c.cmd(plain('bob@local.test', 'secret-bob'))).code).toBe(235);
  });

  it('PLAIN without an initial response', async () => {
    const c = await srv.open();
    expect((await c.cmd('AUTH plain')).raw).toBe('334 ');
    expect((await c.cmd(plain('bob@local.test', 'secret-bob'))).code).toBe(235);
  });

  it('LOGIN', async () => {
    const c = await srv.open();
    expect((await c.cmd('AUTH LOGIN')).raw).toBe(`334 ${b64('Username:')}`);
    expect((await c.cmd(b64('alice@local.test'))).raw).toBe(`334 ${b64('Password:')}`);
    expect((await c.cmd(b64('secret-alice'))).code).toBe(235);
  });

  it('"*" cancels with 501 5.0.0; bad base64 is 501 5.5.2; neither counts as a failed login', async () => {
    const c = await srv.open();
    await c.cmd('AUTH LOGIN');
    expect((await c.cmd('*')).raw).toBe('501 5.0.0 Authentication cancelled');
    await c.cmd('AUTH LOGIN');
    expect((await c.cmd('not base64!')).raw).toBe('501 5.5.2 Error: invalid base64 data');
    expect((await c.cmd('AUTH PLAIN ###')).raw).toBe('501 5.5.2 Error: invalid base64 data');
    expect((await c.cmd(`AUTH PLAIN ${plain('bob@local.test', 'secret-bob')}`)).code).toBe(235);
  });

  it('a wrong password is 535 5.7.8; the limit of failures closes the connection with 421', async () => {
    const c = await srv.open();
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'wrong')}`)).raw).toBe('535 5.7.8 Error: authentication failed');
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'wrong')}`)).code).toBe(535);
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'wrong')}`)).raw).toBe('421 4.7.0 mx.test Error: too many failed authentications');
    await c.closed();
    expect(srv.gate.records.filter((r) => !r.ok).length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['AUTH', '501 5.5.4 Syntax: AUTH mechanism [initial-response]'],
    ['AUTH CRAM-MD5', '504 5.5.4 Unrecognized authentication type'],
    ['AUTH PLAIN a b', '501 5.5.4 Syntax: AUTH mechanism [initial-response]'],
  ])('%s → %s', async (line, want) => {
    const c = await srv.open();
    expect((await c.cmd(line)).raw).toBe(want);
  });

  it('needs EHLO first', async () => {
    const c = await srv.open(undefined, false);
    expect((await c.cmd('AUTH PLAIN =')).code).toBe(503);
    await c.cmd('HELO client.test');
    expect((await c.cmd('AUTH PLAIN =')).raw).toBe('503 5.5.1 Error: send EHLO first');
  });

  it('refuses with 454 while the login gate says the client is locked out', async () => {
    const c = await srv.open();
    srv.gate.locked = true;
    try {
      expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).raw).toBe('454 4.7.0 Temporary authentication failure: too many failed logins, try again later');
    } finally {
      srv.gate.locked = false;
    }
  });

  it('never logs credentials', async () => {
    const c = await srv.open();
    await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'wrong-pass-123')}`);
    await c.cmd('AUTH LOGIN');
    await c.cmd(b64('alice@local.test'));
    await c.cmd(b64('other-pass-456'));
    const all = srv.logs.join('');
    for (const secret of ['wrong-pass-123', 'other-pass-456', 'secret-alice', plain('alice@local.test', 'wrong-pass-123'), b64('other-pass-456')]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('AUTH and TLS', () => {
  let remote: TestServer;
  beforeAll(async () => {
    remote = await startServer({ clientIp: '192.0.2.20' });
  });
  afterAll(async () => {
    await remote.stop();
  });

  it('is not offered to a non-loopback client before TLS, and asks for encryption', async () => {
    const c = await remote.open();
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).raw).toBe('538 5.7.11 Encryption required for requested authentication mechanism');
    await c.startTls();
    await c.ehlo();
    expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).code).toBe(235);
  });

  it('is offered without TLS when smtpd.allowInsecureAuth is set', async () => {
    const insecure = await startServer({ clientIp: '192.0.2.21', config: { smtpd: { allowInsecureAuth: true } } });
    try {
      const c = await insecure.open();
      expect((await c.ehlo()).lines).toContain('AUTH PLAIN LOGIN');
    } finally {
      await insecure.stop();
    }
  });
});
