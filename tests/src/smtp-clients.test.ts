// Whole stack, third-party clients: Python's smtplib, swaks and nodemailer send to smtpd's MX listener, to
// submission with STARTTLS + AUTH and to implicit TLS; the jobs in Redis and the spooled bytes are checked (no
// mda runs here, so the spool entries stay; smtp-mda.test.ts follows messages into Maildir).
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSmtp, queuedId, run, startStack, USERS, type Stack } from './smtp-support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ALICE = 'alice@local.test';
const message = (subject: string, extra = ''): string => `From: <${ALICE}>\r\nTo: <bob@local.test>\r\nSubject: ${subject}\r\n${extra}\r\nHello from ${subject}.\r\n`;

describe('Python smtplib', () => {
  it('MX, plaintext: DSN parameters and the Message-ID reach the deliver job', async () => {
    const r = await pythonSmtp({
      port: stack.ports.mx,
      mode: 'plain',
      steps: [{ from: 'sender@remote.test', to: ['bob@local.test'], mailOptions: ['RET=HDRS', 'ENVID=py+2Bmx'], rcptOptions: ['NOTIFY=SUCCESS,FAILURE', 'ORCPT=rfc822;bob@local.test'], data: message('py-mx', 'Message-ID: <py-mx@remote.test>\r\n') }],
    });
    expect(r.features).toEqual(expect.arrayContaining(['8bitmime', 'chunking', 'dsn', 'pipelining', 'size', 'smtputf8', 'starttls']));
    const data = r.steps[0]!.data![0]!;
    expect(data[0]).toBe(250);
    const id = queuedId(data[1]);
    const body = await stack.spooled(id);
    expect(body).toMatch(new RegExp(`^Received: from py\\.client\\.test \\([^)]*\\[127\\.0\\.0\\.1\\]\\)\\r\\n\\tby mx\\.local\\.test with ESMTP id ${id}\\r\\n\\tfor <bob@local\\.test>; `));
    expect(body).not.toMatch(/\r\nDate:/); // the MX listener adds nothing
    expect(await stack.job(id, 'deliver')).toMatchObject({
      v: 1,
      spoolId: id,
      size: Buffer.byteLength(body),
      sender: 'sender@remote.test',
      dsn: { ret: 'HDRS', envid: 'py+mx' },
      messageId: '<py-mx@remote.test>',
      recipients: [{ address: 'bob@local.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;bob@local.test' }],
      received: { clientAddress: '127.0.0.1', helo: 'py.client.test', protocol: 'ESMTP' },
    });
  });

  it('MX, SMTPUTF8 and 8BITMIME: a UTF-8 sender and body, flagged in the job', async () => {
    const r = await pythonSmtp({
      port: stack.ports.mx,
      mode: 'plain',
      steps: [{ from: 'jörg@bücher.test', to: ['bob@local.test'], mailOptions: ['SMTPUTF8', 'BODY=8BITMIME'], data: 'Subject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nschöne Grüße\r\n' }],
    });
    const id = queuedId(r.steps[0]!.data![0]![1]);
    expect(await stack.spooled(id)).toContain('\r\n\r\nschöne Grüße\r\n');
    expect(await stack.job(id, 'deliver')).toMatchObject({ sender: 'jörg@bücher.test', smtputf8: true, eightBitMime: true, received: { protocol: 'UTF8SMTP' } });
  });

  it('submission, STARTTLS + AUTH: ESMTPSA, Message-ID and Date added, deliver and outbound jobs', async () => {
    const r = await pythonSmtp({
      port: stack.ports.submission,
      mode: 'starttls',
      user: ALICE,
      password: USERS[ALICE],
      steps: [{ from: ALICE, to: ['info@local.test', 'carol@remote.test'], data: message('py-sub') }],
    });
    expect(r.login?.[0]).toBe(235);
    const id = queuedId(r.steps[0]!.data![0]![1]);
    const body = await stack.spooled(id);
    expect(body).toMatch(new RegExp(`^Received: from py\\.client\\.test \\([^)]*\\[127\\.0\\.0\\.1\\]\\)\\r\\n\\t\\(using TLSv1\\.[23] with cipher [A-Z0-9_-]+\\)\\r\\n\\tby mx\\.local\\.test with ESMTPSA id ${id}; `));
    expect(body).toMatch(/\r\nMessage-ID: <[^>]+@mx\.local\.test>\r\n/);
    expect(body).toMatch(/\r\nDate: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n/);
    const deliver = await stack.job(id, 'deliver');
    const outbound = await stack.job(id, 'outbound');
    expect(deliver).toMatchObject({ sender: ALICE, recipients: [{ address: 'info@local.test' }], received: { authUser: ALICE, protocol: 'ESMTPSA', tls: { version: expect.stringMatching(/^TLSv1\.[23]$/) } } });
    expect(outbound).toMatchObject({ sender: ALICE, recipients: [{ address: 'carol@remote.test', status: 'pending' }], received: { authUser: ALICE } });
    expect((await stack.reader.spool.info(id)).refs).toBe(2);
  });

  it('implicit TLS (465) with AUTH', async () => {
    const r = await pythonSmtp({ port: stack.ports.submissions, mode: 'ssl', user: 'bob@local.test', password: USERS['bob@local.test'], steps: [{ from: 'bob@local.test', to: [ALICE], data: message('py-465') }] });
    const id = queuedId(r.steps[0]!.data![0]![1]);
    expect(await stack.spooled(id)).toMatch(/with ESMTPSA id /);
    expect(await stack.job(id, 'deliver')).toMatchObject({ sender: 'bob@local.test', received: { authUser: 'bob@local.test' } });
  });
});

describe('swaks', () => {
  const swaks = async (args: string[]): Promise<{ id: string; out: string }> => {
    const r = await run('swaks', ['--server', '127.0.0.1', '--helo', 'swaks.client.test', '--timeout', '20', ...args]);
    const out = r.stdout + r.stderr;
    if (r.code !== 0) throw new Error(`swaks failed (${r.code}):\n${out}`);
    return { id: queuedId(out), out };
  };

  it('MX with STARTTLS: ESMTPS', async () => {
    const { id } = await swaks(['--port', String(stack.ports.mx), '--tls', '--from', 'x@remote.test', '--to', 'bob@local.test', '--header', 'Subject: swaks-mx']);
    expect(await stack.spooled(id)).toMatch(/^Received: from swaks\.client\.test [^\r]*\r\n\t\(using TLSv1\.[23] with cipher [^)]+\)\r\n\tby mx\.local\.test with ESMTPS id /);
    expect(await stack.job(id, 'deliver')).toMatchObject({ sender: 'x@remote.test', received: { protocol: 'ESMTPS', helo: 'swaks.client.test' } });
  });

  it('submission with STARTTLS and AUTH PLAIN, and implicit TLS with AUTH LOGIN', async () => {
    const a = await swaks(['--port', String(stack.ports.submission), '--tls', '--auth', 'PLAIN', '--auth-user', ALICE, '--auth-password', USERS[ALICE], '--from', ALICE, '--to', 'dave@remote.test']);
    expect(await stack.job(a.id, 'outbound')).toMatchObject({ sender: ALICE, recipients: [{ address: 'dave@remote.test' }], received: { authUser: ALICE, protocol: 'ESMTPSA' } });
    expect(await stack.job(a.id, 'deliver')).toBeUndefined();
    const b = await swaks(['--port', String(stack.ports.submissions), '--tls-on-connect', '--auth', 'LOGIN', '--auth-user', ALICE, '--auth-password', USERS[ALICE], '--from', ALICE, '--to', 'bob@local.test']);
    expect(await stack.spooled(b.id)).toMatch(/with ESMTPSA id /);
  });

  it('a wrong password is refused with 535 5.7.8', async () => {
    const r = await run('swaks', ['--server', '127.0.0.1', '--port', String(stack.ports.submission), '--tls', '--auth', 'PLAIN', '--auth-user', 'bob@local.test', '--auth-password', 'wrong', '--from', 'bob@local.test', '--to', ALICE]);
    expect(r.stdout + r.stderr).toMatch(/<~\*? +535 5\.7\.8 /);
  });
});

describe('nodemailer', () => {
  const opts = { tls: { rejectUnauthorized: false }, name: 'nodemailer.client.test' };

  it('submission with STARTTLS required and AUTH', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: stack.ports.submission, secure: false, requireTLS: true, auth: { user: ALICE, pass: USERS[ALICE] }, ...opts });
    const info = await t.sendMail({ from: ALICE, to: ['bob@local.test', 'erin@remote.test'], subject: 'nm-587', text: 'Hello from nm-587.' });
    t.close();
    const id = queuedId(info.response);
    expect(info.accepted).toEqual(['bob@local.test', 'erin@remote.test']);
    const body = await stack.spooled(id);
    expect(body).toMatch(/with ESMTPSA id /);
    expect(body).toContain(`Message-ID: ${info.messageId}`);
    expect(await stack.job(id, 'deliver')).toMatchObject({ messageId: info.messageId, recipients: [{ address: 'bob@local.test' }] });
    expect(await stack.job(id, 'outbound')).toMatchObject({ recipients: [{ address: 'erin@remote.test' }] });
  });

  it('implicit TLS, and the MX listener without AUTH', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: stack.ports.submissions, secure: true, auth: { user: 'bob@local.test', pass: USERS['bob@local.test'] }, ...opts });
    const info = await t.sendMail({ from: 'bob@local.test', to: ALICE, subject: 'nm-465', text: 'x' });
    t.close();
    expect(await stack.job(queuedId(info.response), 'deliver')).toMatchObject({ received: { authUser: 'bob@local.test' } });
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: stack.ports.mx, secure: false, ...opts });
    const info2 = await mx.sendMail({ from: 'someone@remote.test', to: 'bob@local.test', subject: 'nm-mx', text: 'x' });
    mx.close();
    expect(await stack.job(queuedId(info2.response), 'deliver')).toMatchObject({ sender: 'someone@remote.test', received: { protocol: 'ESMTPS' } });
  });
});
