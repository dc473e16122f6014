// Session tests of the not-authenticated state: greeting, CAPABILITY, STARTTLS, LOGIN, AUTHENTICATE, ENABLE, ID,
// limits.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, stopSharedTls, TestClient, USER, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(stopSharedTls);

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

describe('greeting and capabilities', () => {
  it('greets with capabilities and lists STARTTLS and SASL on loopback', async () => {
    h = await startHarness();
    const c = await h.client();
    expect(c.greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 IMAP4rev2 .*STARTTLS.*AUTH=PLAIN/);
    expect(c.greeting).not.toContain('LOGINDISABLED');
    const r = await c.ok('CAPABILITY');
    expect(r.untagged[0]).toMatch(/^\* CAPABILITY IMAP4rev1 /);
    await c.ok('NOOP');
    const bye = await c.cmd('LOGOUT');
    expect(bye.untagged).toEqual(['* BYE Logging out']);
    expect(bye.status).toBe('OK');
  });

  it('advertises LOGINDISABLED and refuses LOGIN without TLS for a remote client', async () => {
    h = await startHarness({ deps: { isLoopback: () => false } });
    const c = await h.client();
    expect(c.greeting).toContain('LOGINDISABLED');
    expect(c.greeting).toContain('AUTH=SCRAM-SHA-256');
    expect(c.greeting).not.toContain('AUTH=PLAIN');
    expect((await c.cmd(`LOGIN ${USER} ${PASSWORD}`)).text).toMatch(/^\[PRIVACYREQUIRED\]/);
    expect((await c.cmd(`AUTHENTICATE PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).text).toMatch(/^\[PRIVACYREQUIRED\]/);
    const t = await h.client({ tls: true });
    expect(t.greeting).not.toContain('LOGINDISABLED');
    await t.ok(`LOGIN ${USER} ${PASSWORD}`);
  });

  it('runs STARTTLS, drops pipelined plaintext and logs in over TLS', async () => {
    h = await startHarness();
    const c = await h.client();
    c.write('t1 STARTTLS\r\nt2 LOGIN alice@example.test correct-horse\r\n');
    const r = await c.reply('t1');
    expect(r.status).toBe('OK');
    const secure = tlsConnect({ socket: c.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    const t = new TestClient(secure);
    const caps = await t.ok('CAPABILITY');
    expect(caps.untagged[0]).not.toContain('STARTTLS');
    const again = await t.cmd('STARTTLS');
    expect(again.status).toBe('BAD');
    // The pipelined LOGIN was discarded: still not authenticated.
    expect((await t.cmd('SELECT INBOX')).status).toBe('BAD');
    await t.ok(`LOGIN ${USER} ${PASSWORD}`);
    t.destroy();
  });

  it('serves implicit TLS', async () => {
    h = await startHarness();
    const c = await h.client({ tls: true });
    expect(c.greeting).toMatch(/^\* OK /);
    expect(c.greeting).not.toContain('STARTTLS');
    await c.ok(`LOGIN ${USER} ${PASSWORD}`);
  });
});

describe('LOGIN and AUTHENTICATE', () => {
  it('logs in and answers with capabilities after login', async () => {
    h = await startHarness();
    const c = await h.client();
    const r = await c.ok(`LOGIN ${USER} ${PASSWORD}`);
    expect(r.text).toMatch(/^\[CAPABILITY .*APPENDLIMIT=/);
    expect((await c.cmd(`LOGIN ${USER} ${PASSWORD}`)).status).toBe('BAD');
  });

  it('refuses wrong passwords and closes after limits.authFailures', async () => {
    h = await startHarness({ limits: { authFailures: 2 } });
    const c = await h.client();
    const r1 = await c.cmd(`LOGIN ${USER} wrong`);
    expect(r1).toMatchObject({ status: 'NO', text: '[AUTHENTICATIONFAILED] Authentication failed' });
    const r2 = await c.cmd(`LOGIN ${USER} wrong`);
    expect(r2.status).toBe('NO');
    expect(await c.line()).toMatch(/^\* BYE /);
  });

  it('AUTHENTICATE PLAIN with SASL-IR and with a continuation, and cancel', async () => {
    h = await startHarness();
    const c = await h.client();
    await c.ok(`AUTHENTICATE PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`);
    const d = await h.client();
    d.write('x1 AUTHENTICATE PLAIN\r\n');
    expect(await d.line()).toBe('+ ');
    d.write('*\r\n');
    expect((await d.reply('x1')).status).toBe('BAD');
    d.write('x2 AUTHENTICATE PLAIN\r\n');
    expect(await d.line()).toBe('+ ');
    d.write(`${b64(`\0${USER}\0${PASSWORD}`)}\r\n`);
    expect((await d.reply('x2')).status).toBe('OK');
  });

  it('AUTHENTICATE LOGIN', async () => {
    h = await startHarness();
    const c = await h.client();
    c.write('l1 AUTHENTICATE LOGIN\r\n');
    expect(await c.line()).toBe(`+ ${b64('Username:')}`);
    c.write(`${b64(USER)}\r\n`);
    expect(await c.line()).toBe(`+ ${b64('Password:')}`);
    c.write(`${b64(PASSWORD)}\r\n`);
    expect((await c.reply('l1')).status).toBe('OK');
  });

  it('AUTHENTICATE SCRAM-SHA-256 with an initial response', async () => {
    h = await startHarness();
    const c = await h.client();
    const nonce = randomBytes(12).toString('base64');
    const clientFirstBare = `n=${USER},r=${nonce}`;
    c.write(`s1 AUTHENTICATE SCRAM-SHA-256 ${b64(`n,,${clientFirstBare}`)}\r\n`);
    const first = Buffer.from((await c.line()).slice(2), 'base64').toString();
    const attrs = Object.fromEntries(first.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const salted = pbkdf2Sync(PASSWORD, Buffer.from(attrs.s ?? '', 'base64'), Number(attrs.i), 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const finalNoProof = `c=${b64('n,,')},r=${attrs.r}`;
    const authMessage = `${clientFirstBare},${first},${finalNoProof}`;
    const signature = createHmac('sha256', storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number)));
    c.write(`${b64(`${finalNoProof},p=${proof.toString('base64')}`)}\r\n`);
    const serverFinal = Buffer.from((await c.line()).slice(2), 'base64').toString();
    expect(serverFinal).toMatch(/^v=/);
    c.write('\r\n');
    expect((await c.reply('s1')).status).toBe('OK');
  });

  it('refuses an unknown mechanism', async () => {
    h = await startHarness();
    const c = await h.client();
    expect((await c.cmd('AUTHENTICATE GSSAPI')).status).toBe('NO');
  });
});

describe('ENABLE, ID and limits', () => {
  it('enables UTF8=ACCEPT, CONDSTORE and IMAP4rev2 once', async () => {
    h = await startHarness();
    const c = await h.login();
    const r = await c.ok('ENABLE UTF8=ACCEPT CONDSTORE XYZZY');
    expect(r.untagged).toEqual(['* ENABLED UTF8=ACCEPT CONDSTORE']);
    expect((await c.ok('ENABLE CONDSTORE IMAP4rev2')).untagged).toEqual(['* ENABLED IMAP4rev2']);
    expect((await (await h.client()).cmd('ENABLE CONDSTORE')).status).toBe('BAD');
  });

  it('answers ID', async () => {
    h = await startHarness();
    const c = await h.client();
    const r = await c.ok('ID ("name" "test" "version" "1")');
    expect(r.untagged[0]).toBe('* ID ("name" "mail-imapd")');
  });

  it('ends the session after too many bad commands', async () => {
    h = await startHarness({ limits: { badCommands: 3 } });
    const c = await h.client();
    expect((await c.cmd('FOO')).status).toBe('BAD');
    expect((await c.cmd('SELECT INBOX')).status).toBe('BAD');
    c.write('a9 BAR\r\n');
    expect(await c.line()).toBe('a9 BAD Unknown command');
    expect(await c.line()).toMatch(/^\* BYE /);
  });

  it('refuses literals over the line and literal limits and stays in step', async () => {
    h = await startHarness({ limits: { lineLength: 1024 } });
    const c = await h.client();
    const r = await c.cmd(`LOGIN ${'x'.repeat(2000)} y`);
    expect(r).toMatchObject({ status: 'BAD' });
    await c.ok('NOOP');
  });

  it('limits sessions per account', async () => {
    h = await startHarness({ limits: { connectionsPerUser: 1 } });
    await h.login();
    const c = await h.client();
    expect((await c.cmd(`LOGIN ${USER} ${PASSWORD}`)).text).toMatch(/^\[LIMIT\]/);
  });

  it('refuses connections over limits.connectionsPerIp with BYE', async () => {
    h = await startHarness({ limits: { connectionsPerIp: 1 } });
    const first = await h.client();
    const second = await h.client();
    expect(second.greeting).toBe('* BYE [UNAVAILABLE] Too many connections');
    await first.ok('NOOP');
  });

  it('closes idle sessions with BYE', async () => {
    h = await startHarness({ limits: { idleTimeout: '1s' } });
    const c = await h.client();
    expect(await c.line(3000)).toBe('* BYE Disconnected for inactivity');
  });

  it('closes connections not logged in within imapd.loginTimeout, however busy, and not those that logged in', async () => {
    h = await startHarness({ imapd: { loginTimeout: '1s' } });
    const started = Date.now();
    const busy = await h.client();
    const quiet = await h.client();
    const user = await h.client();
    await user.ok(`LOGIN ${USER} ${PASSWORD}`);
    // NOOP every 300 ms does not keep a connection that never logs in.
    const noops = (async () => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 300));
        if (busy.closed) return;
        const tag = busy.nextTag();
        busy.write(`${tag} NOOP\r\n`);
      }
    })();
    let line = '';
    while (!line.startsWith('* BYE')) line = await busy.line(3000);
    expect(line).toBe('* BYE Disconnected: no login in time');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await quiet.line(3000)).toBe('* BYE Disconnected: no login in time');
    await noops;
    await new Promise((r) => setTimeout(r, 300));
    await user.ok('NOOP');
  });
});

describe('robustness', () => {
  it('answers garbage with BAD and keeps serving', async () => {
    h = await startHarness({ limits: { badCommands: 1000, lineLength: 1024 } });
    const c = await h.client();
    const junk = ['\x00\x01\x02', 'j', '* LOGIN', 'j1 UID', 'j2 FETCH', 'j3 SELECT {5}', 'j4 LOGIN "unterminated', '+ x', 'j5 ' + 'A'.repeat(5000), '(((((', 'j6 AUTHENTICATE PLAIN ???'];
    for (const j of junk) c.write(`${j}\r\n`);
    await c.ok('NOOP');
    const d = await h.client();
    d.write('x1 AUTHENTICATE PLAIN\r\n');
    expect(await d.line()).toBe('+ ');
    d.write(`${'A'.repeat(3000)}\r\n`);
    expect((await d.reply('x1')).status).toBe('BAD');
    await d.ok('NOOP');
  });
});
