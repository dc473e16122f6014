// Submission listeners: AUTH before MAIL, sender ownership, relaying for the authenticated user, Message-ID and
// Date added when missing, ESMTPSA in Received, AUTH= passed on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpClient } from './support/client.js';
import { plain, startServer, type TestServer } from './support/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ listeners: [{ mode: 'submission', tls: 'starttls' }] });
});
afterAll(async () => {
  await srv.stop();
});

async function login(c: SmtpClient, user = 'alice@local.test', pass = 'secret-alice'): Promise<void> {
  expect((await c.cmd(`AUTH PLAIN ${plain(user, pass)}`)).code).toBe(235);
}

describe('submission', () => {
  it('requires AUTH before MAIL', async () => {
    const c = await srv.open('submission');
    expect((await c.cmd('MAIL FROM:<alice@local.test>')).raw).toBe('530 5.7.0 Authentication required');
  });

  it('lets the user send only as their own addresses and aliases', async () => {
    const c = await srv.open('submission');
    await login(c);
    expect((await c.cmd('MAIL FROM:<bob@local.test>')).raw).toBe('553 5.7.1 <bob@local.test>: Sender address rejected: not owned by user alice@local.test');
    expect((await c.cmd('MAIL FROM:<someone@remote.test>')).code).toBe(553);
    expect((await c.cmd('MAIL FROM:<info@local.test>')).code).toBe(250);
    await c.cmd('RSET');
    expect((await c.cmd('MAIL FROM:<Alice@local.test>')).code).toBe(250);
    await c.cmd('RSET');
    expect((await c.cmd('MAIL FROM:<>')).code).toBe(250);
  });

  it('relays for the user, adds Message-ID and Date, and records ESMTPA and AUTH=', async () => {
    const c = await srv.open('submission');
    await login(c);
    expect((await c.sendMail('alice@local.test', ['friend@remote.test', 'bob@local.test'], 'Subject: hello\r\n\r\nbody\r\n')).code).toBe(250);
    const m = srv.sink.last!;
    expect(m.envelope).toMatchObject({ auth: 'alice@local.test', listener: 'submission', recipients: [{ address: 'friend@remote.test', local: false }, { address: 'bob@local.test', local: true }] });
    expect(m.envelope.client.account).toBe('alice@local.test');
    const lines = m.message.split('\r\n');
    expect(lines[1]).toMatch(/^\tby mx\.test with ESMTPA id /);
    expect(lines[2]).toMatch(/^Message-ID: <[^@]+@mx\.test>$/);
    expect(lines[3]).toMatch(/^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
    expect(lines[4]).toBe('Subject: hello');
  });

  it('keeps a message’s own Message-ID and Date', async () => {
    const c = await srv.open('submission');
    await login(c);
    const msg = 'Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <own@client.test>\r\nSubject: x\r\n\r\nb\r\n';
    expect((await c.sendMail('alice@local.test', ['bob@local.test'], msg)).code).toBe(250);
    expect(srv.sink.last!.message.endsWith(msg)).toBe(true);
    expect(srv.sink.last!.message.match(/^Message-ID:/gim)).toHaveLength(1);
  });

  it('says ESMTPSA after STARTTLS and AUTH', async () => {
    const c = await srv.open('submission');
    await c.startTls();
    await c.ehlo();
    await login(c, 'bob@local.test', 'secret-bob');
    expect((await c.sendMail('bob@local.test', ['alice@local.test'], 'Subject: x\r\n\r\nb\r\n')).code).toBe(250);
    expect(srv.sink.last!.message).toMatch(/\tby mx\.test with ESMTPSA id /);
  });
});
