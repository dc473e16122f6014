// DATA over a real socket: SMTP smuggling vectors, bare CR/LF, NUL, long lines, dot-unstuffing, and a body fed
// one octet at a time. Each refused message leaves the session in step with the client and queues nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpClient } from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv.stop();
});

async function begin(c: SmtpClient): Promise<void> {
  expect((await c.cmd('MAIL FROM:<sender@remote.test>')).code).toBe(250);
  expect((await c.cmd('RCPT TO:<alice@local.test>')).code).toBe(250);
  expect((await c.cmd('DATA')).code).toBe(354);
}

/** A second message hidden after a fake end of data, as in SMTP smuggling. */
const smuggled = 'MAIL FROM:<admin@local.test>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n';

describe('SMTP smuggling', () => {
  it.each([
    ['\\n.\\n', '\n.\n'],
    ['\\n.\\r\\n', '\n.\r\n'],
    ['\\r.\\r', '\r.\r'],
    ['\\r\\n.\\n', '\r\n.\n'],
    ['\\n.\\r', '\n.\r'],
    ['\\r.\\r\\n', '\r.\r\n'],
  ])('%s never ends DATA; the whole message is refused once and nothing is queued', async (_name, fakeEnd) => {
    const before = srv.sink.messages.length;
    const c = await srv.open();
    await begin(c);
    c.write(`Subject: real\r\n\r\nbody${fakeEnd}${smuggled}.\r\n`);
    const r = await c.reply();
    expect(r.code).toBe(550);
    expect(r.enhanced).toBe('5.5.2');
    // In step: the next reply belongs to the next command, and no reply to a smuggled command was ever sent.
    expect((await c.cmd('NOOP')).raw).toBe('250 2.0.0 Ok');
    expect(c.unread).toBe('');
    expect(srv.sink.messages.length).toBe(before);
  });

  it('only <CRLF>.<CRLF> ends DATA', async () => {
    const c = await srv.open();
    await begin(c);
    c.write('Subject: ok\r\n\r\nline\r\n.\r\n');
    expect((await c.reply()).code).toBe(250);
    expect(srv.sink.last!.message.endsWith('Subject: ok\r\n\r\nline\r\n')).toBe(true);
  });
});

describe('message text', () => {
  it.each([
    ['bare LF', 'Subject: x\r\n\r\na\nb\r\n', '550 5.5.2 Error: bare <LF> received; message not accepted (RFC 5321 section 2.3.8)'],
    ['bare CR', 'Subject: x\r\n\r\na\rb\r\n', '550 5.5.2 Error: bare <CR> received; message not accepted (RFC 5321 section 2.3.8)'],
    ['NUL', 'Subject: x\r\n\r\na\0b\r\n', '554 5.6.0 Error: message contains NUL characters'],
    ['a 1001-octet line', `Subject: x\r\n\r\n${'a'.repeat(999)}\r\n`, '554 5.6.0 Error: message has a line longer than 1000 octets (RFC 5321 section 4.5.3.1.6)'],
  ])('%s is refused after the end of data', async (_name, body, want) => {
    const before = srv.sink.messages.length;
    const c = await srv.open();
    await begin(c);
    c.write(`${body}.\r\n`);
    expect((await c.reply()).raw).toBe(want);
    expect((await c.cmd('NOOP')).code).toBe(250);
    expect(srv.sink.messages.length).toBe(before);
  });

  it('accepts a 1000-octet line and removes dot-stuffing', async () => {
    const c = await srv.open();
    await begin(c);
    const long = 'a'.repeat(998);
    c.write(`Subject: x\r\n\r\n${long}\r\n..\r\n...x\r\n.\r\n`);
    expect((await c.reply()).code).toBe(250);
    expect(srv.sink.last!.message.endsWith(`Subject: x\r\n\r\n${long}\r\n.\r\n..x\r\n`)).toBe(true);
  });

  it('reads a message sent one octet at a time', async () => {
    const c = await srv.open();
    await begin(c);
    const text = 'Subject: slow\r\n\r\n.leading\r\n\r\n.\r\n';
    for (const ch of text) {
      c.write(ch);
      await new Promise((r) => setImmediate(r));
    }
    expect((await c.reply()).code).toBe(250);
    expect(srv.sink.last!.message.endsWith('Subject: slow\r\n\r\nleading\r\n\r\n')).toBe(true);
  });

  it('takes the commands pipelined after the end of data', async () => {
    const c = await srv.open();
    await begin(c);
    c.write('Subject: p\r\n\r\nx\r\n.\r\nNOOP\r\nQUIT\r\n');
    expect((await c.reply()).code).toBe(250);
    expect((await c.reply()).raw).toBe('250 2.0.0 Ok');
    expect((await c.reply()).code).toBe(221);
  });

  it('accepts an empty message', async () => {
    const c = await srv.open();
    await begin(c);
    c.write('.\r\n');
    expect((await c.reply()).code).toBe(250);
    expect(srv.sink.last!.message).toMatch(/^Received: [^]*\r\n$/);
  });
});
