// USER, PASS and APOP: plaintext rules, failures and their limit, lockouts, APOP only for {PLAIN} passwords.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LoginResult } from '@mail/auth';
import { fakeContext, HASHED_USER, PASSWORD, USER } from './test-context.js';

const TS = '<1896.697170952@dbc.mtview.ca.us>';
const apopDigest = (password: string, ts = TS): string => createHash('md5').update(ts + password).digest('hex');

describe('USER and PASS', () => {
  it.each([
    ['TLS', { secure: true, loopback: false }, {}, true],
    ['loopback without TLS', { secure: false, loopback: true }, {}, true],
    ['remote without TLS', { secure: false, loopback: false }, {}, false],
    ['remote without TLS, allowInsecureAuth', { secure: false, loopback: false }, { allowInsecureAuth: true }, true],
  ])('%s', async (_name, conn, settings, allowed) => {
    const f = await fakeContext({ conn, settings });
    const user = await f.run(`USER ${USER}`);
    if (!allowed) {
      expect(user).toMatchObject({ kind: 'err', code: 'AUTH', text: 'Plaintext authentication disallowed on non-secure (SSL/TLS) connections.' });
      expect(await f.run(`PASS ${PASSWORD}`)).toMatchObject({ kind: 'err', code: 'AUTH' });
      expect(f.state.phase).toBe('AUTHORIZATION');
      return;
    }
    expect(user).toEqual({ kind: 'ok', text: '' });
    expect(await f.run(`PASS ${PASSWORD}`)).toEqual({ kind: 'ok', text: 'Logged in.' });
    expect(f.state.phase).toBe('TRANSACTION');
    expect(f.locks.isHeld(USER)).toBe(true);
  });

  it('works for a hashed password and any case of the address', async () => {
    const f = await fakeContext();
    await f.run('USER BOB@Example.Test');
    expect(await f.run(`PASS ${PASSWORD}`)).toMatchObject({ kind: 'ok' });
    expect(f.state.account?.address).toBe(HASHED_USER);
  });

  it('PASS without USER is a bad command', async () => {
    const f = await fakeContext();
    expect(await f.run('PASS x')).toMatchObject({ kind: 'err', bad: true, text: 'No user name given; send USER first.' });
  });

  it('a wrong password fails with [AUTH], forgets the name, and the third failure closes', async () => {
    const f = await fakeContext();
    for (let i = 1; i <= 3; i++) {
      await f.run(`USER ${USER}`);
      expect(await f.run('PASS wrong')).toMatchObject({ kind: 'err', code: 'AUTH', text: 'Authentication failed.', after: i < 3 ? 'continue' : 'close' });
      expect(f.state.user).toBeNull();
    }
  });

  it('an unknown user fails exactly like a wrong password', async () => {
    const f = await fakeContext();
    await f.run('USER nobody@example.test');
    expect(await f.run('PASS wrong')).toMatchObject({ kind: 'err', code: 'AUTH', text: 'Authentication failed.' });
  });

  it('a locked-out login name gets [SYS/TEMP] with the wait', async () => {
    const locked: LoginResult = { ok: false, reason: 'locked', retryAfterMs: 5 * 60_000 };
    const f = await fakeContext();
    f.ctx.deps.auth.login = async () => locked;
    await f.run(`USER ${USER}`);
    expect(await f.run(`PASS ${PASSWORD}`)).toMatchObject({ kind: 'err', code: 'SYS/TEMP', text: 'Too many failed logins; try again in 5 minutes.' });
  });

  it('a mailbox already in a POP3 session gets [IN-USE]', async () => {
    const f = await fakeContext();
    const account = await f.ctx.deps.accounts.findAccount(USER);
    const held = await f.locks.acquire(account!);
    await f.run(`USER ${USER}`);
    expect(await f.run(`PASS ${PASSWORD}`)).toMatchObject({ kind: 'err', code: 'IN-USE' });
    expect(f.state.phase).toBe('AUTHORIZATION');
    await held!.release();
    await f.run(`USER ${USER}`);
    expect(await f.run(`PASS ${PASSWORD}`)).toMatchObject({ kind: 'ok' });
  });

  it('a storage failure at login is [SYS/TEMP] and releases the lock', async () => {
    const f = await fakeContext({ deps: { inboxes: { open: async () => Promise.reject(new Error('EACCES')) } } });
    await f.run(`USER ${USER}`);
    expect(await f.run(`PASS ${PASSWORD}`)).toMatchObject({ kind: 'err', code: 'SYS/TEMP', text: 'Cannot open the mailbox; try again later.' });
    expect(f.locks.isHeld(USER)).toBe(false);
  });
});

describe('APOP', () => {
  it('logs in a {PLAIN} user with the RFC 1939 digest, even without TLS', async () => {
    const f = await fakeContext({ apopTimestamp: TS, conn: { secure: false } });
    expect(await f.run(`APOP ${USER} ${apopDigest(PASSWORD)}`)).toEqual({ kind: 'ok', text: 'Logged in.' });
    expect(f.state.phase).toBe('TRANSACTION');
  });

  it.each([
    ['wrong digest', USER, apopDigest('other')],
    ['digest over another timestamp', USER, apopDigest(PASSWORD, '<1.2@x>')],
    ['hashed password cannot serve APOP', HASHED_USER, apopDigest(PASSWORD)],
    ['unknown user', 'nobody@example.test', apopDigest(PASSWORD)],
  ])('fails: %s', async (_name, user, digest) => {
    const f = await fakeContext({ apopTimestamp: TS });
    expect(await f.run(`APOP ${user} ${digest}`)).toMatchObject({ kind: 'err', code: 'AUTH', text: 'Authentication failed.' });
    expect(f.state.authFailures).toBe(1);
  });

  it('is refused when the greeting had no timestamp', async () => {
    const f = await fakeContext();
    expect(await f.run(`APOP ${USER} ${apopDigest(PASSWORD)}`)).toMatchObject({ kind: 'err', text: 'APOP is not available.' });
  });

  it('the RFC 1939 example digest', () => {
    expect(createHash('md5').update('<1896.697170952@dbc.mtview.ca.us>tanstaaf').digest('hex')).toBe('c4c9334bac560ecc979e58001b3e22fb');
  });
});
