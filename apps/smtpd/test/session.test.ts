// Basic session behaviour over real loopback sockets: greeting, EHLO keywords, sequence rules, a message end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ config: { limits: { messageSize: 10_000, recipients: 3 } } });
});
afterAll(async () => {
  await srv.stop();
});

describe('greeting and EHLO', () => {
  it('greets with the host name and banner', async () => {
    const c = await srv.connect();
    expect((await c.reply()).raw).toBe('220 mx.test ESMTP');
    c.close();
  });

  it('lists exactly the supported extensions (loopback: AUTH allowed without TLS)', async () => {
    const c = await srv.open(undefined, false);
    const r = await c.ehlo();
    expect(r.lines).toEqual(['mx.test', 'PIPELINING', 'SIZE 10000', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'AUTH PLAIN LOGIN', 'CHUNKING', 'BINARYMIME', 'DSN']);
  });

  it('answers HELO with the host name only', async () => {
    const c = await srv.open(undefined, false);
    expect((await c.cmd('HELO client.test')).raw).toBe('250 mx.test');
  });

  it.each([
    ['EHLO', '501 5.5.4 Syntax: EHLO hostname'],
    ['EHLO two words', '501 5.5.2 <two words>: Helo command rejected: Invalid name'],
    ['HELO', '501 5.5.4 Syntax: HELO hostname'],
  ])('%s → %s', async (line, want) => {
    const c = await srv.open(undefined, false);
    expect((await c.cmd(line)).raw).toBe(want);
  });
});

describe('command rules', () => {
  it.each([
    ['MAIL FROM:<a@local.test>', '503 5.5.1 Error: send HELO/EHLO first'],
    ['RCPT TO:<a@local.test>', '503 5.5.1 Error: send HELO/EHLO first'],
    ['DATA', '503 5.5.1 Error: send HELO/EHLO first'],
    ['STARTTLS', '503 5.5.1 Error: send HELO/EHLO first'],
    ['NOOP', '250 2.0.0 Ok'],
    ['RSET', '250 2.0.0 Ok'],
    ['VRFY alice@local.test', '252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery'],
    ['EXPN info@local.test', '502 5.5.1 EXPN command is disabled'],
    ['FOO', '500 5.5.2 Error: command not recognized'],
    ['ETRN local.test', '502 5.5.1 Error: command not implemented'],
    ['', '500 5.5.2 Error: command not recognized'],
  ])('before EHLO: %j → %s', async (line, want) => {
    const c = await srv.open(undefined, false);
    expect((await c.cmd(line)).raw).toBe(want);
  });

  it.each([
    [['RCPT TO:<alice@local.test>'], '503 5.5.1 Error: need MAIL command'],
    [['DATA'], '503 5.5.1 Error: need MAIL command'],
    [['MAIL FROM:<>', 'DATA'], '503 5.5.1 Error: need RCPT command'],
    [['MAIL FROM:<>', 'MAIL FROM:<>'], '503 5.5.1 Error: nested MAIL command'],
    [['MAIL FROM:<>', 'STARTTLS'], '503 5.5.1 Error: MAIL transaction in progress'],
    [['MAIL FROM:<>', 'AUTH PLAIN'], '503 5.5.1 Error: MAIL transaction in progress'],
    [['RSET x'], '501 5.5.4 Syntax: RSET'],
    [['MAIL FROM:<a@b.test> FOO=1'], '555 5.5.4 Unsupported option: unsupported parameter FOO'],
    [['MAIL FROM:<a@b.test> SIZE=x'], '501 5.5.4 Bad parameter: SIZE must be a number'],
    [['MAIL FROM:a@b.test'], '501 5.1.7 Bad sender address syntax (expected "<")'],
    [['MAIL FROM <a@b.test>'], '501 5.5.4 Syntax: MAIL FROM:<address>'],
    [['MAIL FROM:<>', 'RCPT TO:<a@@local.test>'], '501 5.1.3 Bad recipient address syntax (missing domain)'],
    [['MAIL FROM:<>', 'RCPT TO:<>'], '501 5.1.3 Bad recipient address syntax (empty address)'],
  ])('%j → %s', async (lines, want) => {
    const c = await srv.open();
    let last;
    for (const l of lines) last = await c.cmd(l);
    expect(last?.raw).toBe(want);
  });

  it('refuses ESMTP parameters after HELO', async () => {
    const c = await srv.open(undefined, false);
    await c.cmd('HELO client.test');
    expect((await c.cmd('MAIL FROM:<a@b.test> SIZE=10')).raw).toBe('555 5.5.4 Error: ESMTP parameters need EHLO');
  });

  it('QUIT says goodbye and closes', async () => {
    const c = await srv.open();
    expect((await c.cmd('QUIT')).raw).toBe('221 2.0.0 Bye');
    expect(await c.closed()).toBe('');
  });

  it('closes at once on HTTP requests', async () => {
    const c = await srv.open(undefined, false);
    expect((await c.cmd('GET / HTTP/1.1')).code).toBe(554);
    await c.closed();
  });

  it('refuses a line over 512 octets, and a bare LF, without running them', async () => {
    const c = await srv.open();
    expect((await c.cmd(`NOOP ${'x'.repeat(600)}`)).raw).toBe('500 5.5.2 Error: line too long');
    c.write('MAIL FROM:<>\n');
    expect((await c.reply()).raw).toBe('500 5.5.2 Error: bare <LF> received');
    expect((await c.cmd('RCPT TO:<alice@local.test>')).code).toBe(503);
    c.write(`NOOP ${'y'.repeat(20_000)}\r\nNOOP\r\n`);
    expect((await c.reply()).raw).toBe('500 5.5.2 Error: line too long');
    expect((await c.reply()).raw).toBe('250 2.0.0 Ok');
  });
});

describe('a message end to end', () => {
  it('queues it with a Received header and the envelope', async () => {
    const c = await srv.open();
    const r = await c.sendMail('sender@remote.test', ['alice@local.test'], 'Subject: hi\r\n\r\n..dot\r\nbody\r\n');
    expect(r.code).toBe(250);
    expect(r.lines[0]).toMatch(/^Ok: queued as Q\d+$/);
    const m = srv.sink.last!;
    expect(m.envelope).toMatchObject({ mailFrom: 'sender@remote.test', recipients: [{ address: 'alice@local.test', local: true }], body: '7BIT', smtputf8: false, auth: null, listener: 'mx' });
    expect(m.envelope.client).toMatchObject({ ip: '127.0.0.1', helo: 'client.test', rdns: 'client.example' });
    expect(m.message).toMatch(new RegExp(`^Received: from client\\.test \\(client\\.example \\[127\\.0\\.0\\.1\\]\\)\\r\\n\\tby mx\\.test with ESMTP id ${m.envelope.id}\\r\\n\\tfor <alice@local\\.test>; .+\\r\\nSubject: hi\\r\\n\\r\\n\\.dot\\r\\nbody\\r\\n$`));
  });

  it('takes the null sender, parameters and several recipients; names none of them in Received', async () => {
    const c = await srv.open();
    expect((await c.cmd('MAIL FROM:<> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=QQ+2B1')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@local.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice+40local.test')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<@relay.test:bob@local.test>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write('Subject: x\r\n\r\nb\r\n.\r\n');
    expect((await c.reply()).code).toBe(250);
    const m = srv.sink.last!;
    expect(m.envelope).toMatchObject({
      mailFrom: '',
      body: '8BITMIME',
      ret: 'HDRS',
      envid: 'QQ+1',
      declaredSize: 100,
      recipients: [
        { address: 'alice@local.test', local: true, notify: { success: true, failure: true, delay: false, never: false }, orcpt: { type: 'rfc822', address: 'Alice@local.test' } },
        { address: 'bob@local.test', local: true },
      ],
    });
    expect(m.message.split('\r\n')[1]).toMatch(/^\tby mx\.test with ESMTP id Q\d+; /);
  });

  it('refuses unknown local users, relaying, and more than the recipient limit', async () => {
    const c = await srv.open();
    await c.cmd('MAIL FROM:<s@remote.test>');
    expect((await c.cmd('RCPT TO:<nobody@local.test>')).raw).toBe('550 5.1.1 <nobody@local.test>: Recipient address rejected: User unknown');
    expect((await c.cmd('RCPT TO:<x@remote.test>')).raw).toBe('554 5.7.1 <x@remote.test>: Relay access denied');
    for (const u of ['alice@local.test', 'bob@local.test', 'info@local.test']) expect((await c.cmd(`RCPT TO:<${u}>`)).code).toBe(250);
    expect((await c.cmd('RCPT TO:<postmaster@local.test>')).raw).toBe('452 4.5.3 Error: too many recipients');
  });

  it('accepts <Postmaster> without a domain', async () => {
    const c = await srv.open();
    await c.cmd('MAIL FROM:<s@remote.test>');
    expect((await c.cmd('RCPT TO:<Postmaster>')).code).toBe(250);
  });

  it('refuses a declared size over the limit at MAIL, and a body over it after DATA', async () => {
    const c = await srv.open();
    expect((await c.cmd('MAIL FROM:<s@remote.test> SIZE=10001')).raw).toBe('552 5.3.4 Message size exceeds fixed maximum message size');
    const r = await c.sendMail('s@remote.test', ['alice@local.test'], `${'x'.repeat(998)}\r\n`.repeat(11));
    expect(r.raw).toBe('552 5.3.4 Error: message file too big');
    expect((await c.cmd('NOOP')).code).toBe(250);
    expect(srv.sink.aborted.length).toBeGreaterThan(0);
  });

  it('needs SMTPUTF8 for non-ASCII addresses, and takes them with it', async () => {
    const c = await srv.open();
    expect((await c.cmd('MAIL FROM:<ü@remote.test>')).raw).toBe('553 5.6.7 Error: a non-ASCII address needs SMTPUTF8');
    expect((await c.cmd('MAIL FROM:<s@remote.test>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<ü@local.test>')).raw).toBe('553 5.6.7 Error: a non-ASCII address needs SMTPUTF8');
    await c.cmd('RSET');
    expect((await c.cmd('MAIL FROM:<ü@remote.test> SMTPUTF8')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@local.test>')).code).toBe(250);
    expect((await c.cmd('DATA')).code).toBe(354);
    c.write('Subject: ü\r\n\r\nü\r\n.\r\n');
    expect((await c.reply()).code).toBe(250);
    expect(srv.sink.last!.envelope).toMatchObject({ mailFrom: 'ü@remote.test', smtputf8: true });
    expect(srv.sink.last!.message).toContain('with UTF8SMTP id');
  });

  it('answers 451 when the sink fails, and queues nothing', async () => {
    const before = srv.sink.messages.length;
    const c = await srv.open();
    for (const fail of ['before', 'after'] as const) {
      srv.sink.fail = fail;
      const r = await c.sendMail('s@remote.test', ['alice@local.test'], 'Subject: x\r\n\r\nb\r\n');
      expect(r.raw).toBe('451 4.3.0 Error: queue file write error, try again later');
      expect((await c.cmd('NOOP')).code).toBe(250);
    }
    srv.sink.fail = undefined;
    expect(srv.sink.messages.length).toBe(before);
  });

  it('refuses BODY=BINARYMIME with DATA', async () => {
    const c = await srv.open();
    await c.cmd('MAIL FROM:<s@remote.test> BODY=BINARYMIME');
    await c.cmd('RCPT TO:<alice@local.test>');
    expect((await c.cmd('DATA')).raw).toBe('503 5.5.1 Error: BODY=BINARYMIME needs BDAT, not DATA (RFC 3030)');
  });
});

describe('VRFY and EXPN when enabled', () => {
  let open: TestServer;
  beforeAll(async () => {
    open = await startServer({ config: { smtpd: { vrfy: 'on', expn: true } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
  });
  afterAll(async () => {
    await open.stop();
  });

  it.each([
    ['VRFY alice@local.test', '250 2.0.0 <alice@local.test>'],
    ['VRFY <bob@local.test>', '250 2.0.0 <bob@local.test>'],
    ['VRFY nobody@local.test', '550 5.1.1 <nobody@local.test>: Recipient address rejected: User unknown'],
    ['VRFY someone@remote.test', '252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery'],
    ['VRFY user%remote.test@local.test', '252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery'],
    ['VRFY', '501 5.5.4 Syntax: VRFY address'],
    ['EXPN info@local.test', '250 2.0.0 <alice@local.test>'],
    ['EXPN alice@local.test', '550 5.1.1 <alice@local.test>: not a mailing list or alias'],
  ])('%s → %s', async (line, want) => {
    const c = await open.open();
    expect((await c.cmd(line)).raw).toBe(want);
  });

  it('VRFY off answers 502', async () => {
    const off = await startServer({ config: { smtpd: { vrfy: 'off' } }, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
    try {
      const c = await off.open();
      expect((await c.cmd('VRFY alice@local.test')).raw).toBe('502 5.5.1 VRFY command is disabled');
    } finally {
      await off.stop();
    }
  });
});
