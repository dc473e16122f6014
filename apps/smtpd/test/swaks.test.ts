// Interoperability with a real third-party client, swaks: plaintext with PIPELINING, STARTTLS with AUTH PLAIN and
// LOGIN on submission, and implicit TLS on submissions.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

function swaks(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('swaks', ['--server', '127.0.0.1', '--ehlo', 'client.test', '--timeout', '10', ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({
    listeners: [
      { mode: 'mx', tls: 'starttls' },
      { mode: 'submission', tls: 'starttls' },
      { mode: 'submissions', tls: 'implicit' },
    ],
  });
});
afterAll(async () => {
  await srv.stop();
});

describe('swaks', () => {
  it('delivers over plaintext with pipelining', async () => {
    const r = await swaks(['--port', String(srv.port('mx')), '--from', 'sender@remote.test', '--to', 'alice@local.test', '--pipeline', '--header', 'Subject: swaks plain']);
    expect(r.out, r.out).toContain('<-  250 2.0.0 Ok: queued as');
    expect(r.code).toBe(0);
    expect(srv.sink.last!.message).toContain('Subject: swaks plain');
  });

  it.each(['PLAIN', 'LOGIN'])('submits with STARTTLS and AUTH %s', async (mech) => {
    const r = await swaks([
      '--port', String(srv.port('submission')), '--tls', '--auth', mech, '--auth-user', 'alice@local.test', '--auth-password', 'secret-alice',
      '--from', 'alice@local.test', '--to', 'friend@remote.test', '--header', `Subject: swaks ${mech}`,
    ]);
    expect(r.out).toContain('235 2.7.0 Authentication successful');
    expect(r.code).toBe(0);
    const m = srv.sink.last!;
    expect(m.envelope).toMatchObject({ mailFrom: 'alice@local.test', recipients: [{ address: 'friend@remote.test', local: false }], auth: 'alice@local.test' });
    expect(m.message).toMatch(/with ESMTPSA id /);
  });

  it('submits over implicit TLS', async () => {
    const r = await swaks([
      '--port', String(srv.port('submissions')), '--tls-on-connect', '--auth', 'PLAIN', '--auth-user', 'bob@local.test', '--auth-password', 'secret-bob',
      '--from', 'bob@local.test', '--to', 'alice@local.test',
    ]);
    expect(r.code).toBe(0);
    expect(srv.sink.last!.envelope.listener).toBe('submissions');
  });

  it('is refused relaying without authentication', async () => {
    const r = await swaks(['--port', String(srv.port('mx')), '--from', 'sender@remote.test', '--to', 'victim@remote.test']);
    expect(r.out).toContain('554 5.7.1 <victim@remote.test>: Relay access denied');
    expect(r.code).not.toBe(0);
  });
});
