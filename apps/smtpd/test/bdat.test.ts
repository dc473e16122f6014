// BDAT (RFC 3030) over a real socket: chunks and LAST, pipelined chunks, BINARYMIME, size accounting, mixing with
// DATA, and chunks of refused commands being read and dropped, never run as commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpClient } from './support/client.js';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ config: { limits: { messageSize: 2000 } } });
});
afterAll(async () => {
  await srv.stop();
});

async function begin(c: SmtpClient, params = ''): Promise<void> {
  expect((await c.cmd(`MAIL FROM:<sender@remote.test>${params}`)).code).toBe(250);
  expect((await c.cmd('RCPT TO:<alice@local.test>')).code).toBe(250);
}

function chunk(c: SmtpClient, data: string, last = false): void {
  c.write(`BDAT ${Buffer.byteLength(data, 'latin1')}${last ? ' LAST' : ''}\r\n${data}`);
}

describe('BDAT', () => {
  it('takes a message in chunks and queues it at LAST', async () => {
    const c = await srv.open();
    await begin(c);
    chunk(c, 'Subject: chunks\r\n');
    expect((await c.reply()).raw).toBe('250 2.0.0 Ok: 17 octets received');
    chunk(c, '\r\nbody\r\n.\r\n', true);
    const r = await c.reply();
    expect(r.code).toBe(250);
    expect(r.lines[0]).toMatch(/^Ok: queued as /);
    // No dot-stuffing with BDAT: the lone dot is content.
    expect(srv.sink.last!.message).toMatch(/\r\nSubject: chunks\r\n\r\nbody\r\n\.\r\n$/);
  });

  it('takes pipelined chunks and BDAT 0 LAST', async () => {
    const c = await srv.open();
    await begin(c);
    chunk(c, 'Subject: a\r\n');
    chunk(c, '\r\n');
    chunk(c, 'x\r\n');
    c.write('BDAT 0 LAST\r\n');
    for (let i = 0; i < 3; i++) expect((await c.reply()).code).toBe(250);
    expect((await c.reply()).lines[0]).toMatch(/^Ok: queued as /);
    expect(srv.sink.last!.message.endsWith('Subject: a\r\n\r\nx\r\n')).toBe(true);
  });

  it('lets BODY=BINARYMIME carry any octets', async () => {
    const c = await srv.open();
    await begin(c, ' BODY=BINARYMIME');
    const binary = 'Content-Type: application/octet-stream\r\n\r\n\0\n\r\u00ff';
    chunk(c, binary, true);
    expect((await c.reply()).code).toBe(250);
    expect(srv.sink.last!.envelope.body).toBe('BINARYMIME');
  });

  it('checks text in non-binary chunks', async () => {
    const before = srv.sink.messages.length;
    const c = await srv.open();
    await begin(c);
    chunk(c, 'Subject: x\r\n\r\na\nb\r\n', true);
    expect((await c.reply()).code).toBe(550);
    expect(srv.sink.messages.length).toBe(before);
  });

  it('reads and drops the chunk of a BDAT out of sequence: its content is never run', async () => {
    const c = await srv.open();
    chunk(c, 'RSET\r\nQUIT\r\n');
    expect((await c.reply()).raw).toBe('503 5.5.1 Error: need MAIL command');
    expect((await c.cmd('NOOP')).raw).toBe('250 2.0.0 Ok');
    expect(c.unread).toBe('');
    await c.cmd('MAIL FROM:<s@remote.test>');
    chunk(c, 'QUIT\r\n');
    expect((await c.reply()).raw).toBe('503 5.5.1 Error: need RCPT command');
    expect((await c.cmd('NOOP')).raw).toBe('250 2.0.0 Ok');
  });

  it('refuses DATA once BDAT has begun, and BDAT after LAST', async () => {
    const c = await srv.open();
    await begin(c);
    chunk(c, 'Subject: a\r\n');
    expect((await c.reply()).code).toBe(250);
    expect((await c.cmd('DATA')).raw).toBe('503 5.5.1 Error: DATA not allowed after BDAT (RFC 3030)');
    expect((await c.cmd('MAIL FROM:<x@remote.test>')).code).toBe(503);
    chunk(c, '\r\nb\r\n', true);
    expect((await c.reply()).code).toBe(250);
    chunk(c, 'more\r\n', true);
    expect((await c.reply()).raw).toBe('503 5.5.1 Error: need MAIL command');
  });

  it('counts the size across chunks; a chunk over the limit ends the transaction', async () => {
    const before = srv.sink.messages.length;
    const c = await srv.open();
    await begin(c);
    chunk(c, `${'a'.repeat(998)}\r\n`);
    expect((await c.reply()).code).toBe(250);
    chunk(c, `${'b'.repeat(998)}\r\n`.repeat(2));
    expect((await c.reply()).raw).toBe('552 5.3.4 Error: message file too big');
    chunk(c, 'c\r\n', true);
    expect((await c.reply()).raw).toBe('503 5.5.1 Error: need MAIL command');
    expect((await c.cmd('NOOP')).code).toBe(250);
    expect(srv.sink.messages.length).toBe(before);
    expect(srv.sink.aborted.length).toBeGreaterThan(0);
  });

  it('RSET abandons a chunked message', async () => {
    const before = srv.sink.messages.length;
    const c = await srv.open();
    await begin(c);
    chunk(c, 'Subject: a\r\n');
    expect((await c.reply()).code).toBe(250);
    expect((await c.cmd('RSET')).code).toBe(250);
    expect((await c.cmd('NOOP')).code).toBe(250);
    expect(srv.sink.messages.length).toBe(before);
  });

  it('answers 451 when the sink fails, and queues nothing', async () => {
    const c = await srv.open();
    await begin(c);
    srv.sink.fail = 'after';
    try {
      chunk(c, 'Subject: a\r\n\r\nb\r\n', true);
      expect((await c.reply()).raw).toBe('451 4.3.0 Error: queue file write error, try again later');
    } finally {
      srv.sink.fail = undefined;
    }
    expect((await c.cmd('NOOP')).code).toBe(250);
  });

  it('closes the connection on a BDAT it cannot frame', async () => {
    const c = await srv.open();
    await begin(c);
    expect((await c.cmd('BDAT x')).raw).toBe('501 5.5.4 Syntax: BDAT <size> [LAST]; closing connection');
    await c.closed();
  });
});
