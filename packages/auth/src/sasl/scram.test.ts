// SCRAM-SHA-256 and SCRAM-SHA-1: the RFC 7677 §3 and RFC 5802 §5 exchanges byte for byte, keys from {PLAIN}, and the failure cases.
import { describe, expect, it } from 'vitest';
import { formatScramKeys, scramKeysFromPassword } from '../password/scram-secret.js';
import { ScramMechanism } from './scram.js';
import { decodeSaslname, encodeSaslname, parseClientFinal, parseClientFirst } from './scram-messages.js';
import { memoryBackend, scramClient } from './test-backend.js';
import type { SaslStep } from './types.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const text = (s: SaslStep) => (s.kind === 'challenge' ? s.data.toString('utf8') : `(${s.kind}${s.kind === 'failure' ? ` ${s.reason}: ${s.detail}` : ''})`);

async function storedScram(hash: 'sha1' | 'sha256', password: string, saltB64: string) {
  const keys = await scramKeysFromPassword(hash, password, Buffer.from(saltB64, 'base64'), 4096);
  return `{${hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256'}}${formatScramKeys(keys)}`;
}

describe('SCRAM-SHA-256', () => {
  it('reproduces RFC 7677 §3', async () => {
    const stored = await storedScram('sha256', 'pencil', 'W22ZaJ0SNY7soEsUEjb6gQ==');
    const m = new ScramMechanism('sha256', memoryBackend({ user: stored }), { hostname: 'h', serverNonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
    const first = await m.start(b('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(text(first)).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const final = await m.step(b('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
    expect(final).toEqual({ kind: 'success', authcid: 'user', authzid: 'user', data: b('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=') });
    expect(await m.step(Buffer.alloc(0))).toMatchObject({ kind: 'failure', reason: 'sequence' });
  });

  it('derives keys from a {PLAIN} password with a stable per-user salt', async () => {
    const salts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const client = scramClient('sha256', 'pencil', 'n=user,r=abcdefghijkl');
      const m = new ScramMechanism('sha256', memoryBackend({ user: '{PLAIN}pencil' }), { hostname: 'h' });
      expect(await m.start()).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
      const serverFirst = text(await m.step(client.first));
      salts.push(serverFirst.split(',')[1] ?? '');
      const { message, serverFinal } = client.final(serverFirst);
      expect(await m.step(message)).toEqual({ kind: 'success', authcid: 'user', authzid: 'user', data: b(serverFinal) });
    }
    expect(salts[0]).toBe(salts[1]);
  });

  it('accepts y,, (client could bind but thinks the server cannot)', async () => {
    const client = scramClient('sha256', 'pencil', 'n=user,r=abcdefghijkl', 'y,,');
    const m = new ScramMechanism('sha256', memoryBackend({ user: '{PLAIN}pencil' }), { hostname: 'h' });
    const { message } = client.final(text(await m.start(client.first)));
    expect(await m.step(message)).toMatchObject({ kind: 'success' });
  });

  it('applies authzid rules', async () => {
    const run = async (gs2: string, proxies?: Record<string, string[]>) => {
      const client = scramClient('sha256', 'pencil', 'n=user,r=abcdefghijkl', gs2);
      const m = new ScramMechanism('sha256', memoryBackend({ user: '{PLAIN}pencil' }, { proxies }), { hostname: 'h' });
      return m.step(client.final(text(await m.start(client.first))).message);
    };
    expect(await run('n,a=user,')).toMatchObject({ kind: 'success', authzid: 'user' });
    expect(await run('n,a=admin,')).toMatchObject({ kind: 'failure', reason: 'authzid' });
    expect(await run('n,a=ad=2Cmin,', { user: ['ad,min'] })).toMatchObject({ kind: 'success', authcid: 'user', authzid: 'ad,min' });
  });

  it('fails a wrong password, an unknown user and a non-SCRAM scheme alike, after a plausible server-first', async () => {
    const cases: Record<string, string>[] = [{ user: '{PLAIN}other' }, {}, { user: '{SHA512-CRYPT}$6$x$' + 'a'.repeat(86) }, { user: await storedScram('sha1', 'pencil', 'QSXCR+Q6sek8bf92') }];
    for (const users of cases) {
      const client = scramClient('sha256', 'pencil', 'n=user,r=abcdefghijkl');
      const m = new ScramMechanism('sha256', memoryBackend(users), { hostname: 'h' });
      const serverFirst = text(await m.start(client.first));
      expect(serverFirst).toMatch(/^r=abcdefghijkl[A-Za-z0-9+/=]{24},s=[A-Za-z0-9+/]{22}==,i=4096$/);
      expect(await m.step(client.final(serverFirst).message)).toEqual({ kind: 'failure', reason: 'credentials', detail: 'wrong user or password' });
    }
  });

  it('checks the nonce and the channel-binding echo', async () => {
    const run = async (overrides: { nonce?: string; c?: string }) => {
      const client = scramClient('sha256', 'pencil', 'n=user,r=abcdefghijkl');
      const m = new ScramMechanism('sha256', memoryBackend({ user: '{PLAIN}pencil' }), { hostname: 'h' });
      return m.step(client.final(text(await m.start(client.first)), overrides).message);
    };
    expect(await run({ nonce: 'abcdefghijkl' })).toMatchObject({ kind: 'failure', reason: 'malformed', detail: expect.stringContaining('nonce') });
    expect(await run({ c: Buffer.from('y,,').toString('base64') })).toMatchObject({ kind: 'failure', reason: 'malformed', detail: expect.stringContaining('c=') });
  });

  it('reports a backend outage as temporary', async () => {
    const m = new ScramMechanism('sha256', memoryBackend({}, { failing: true }), { hostname: 'h' });
    expect(await m.start(b('n,,n=user,r=abc'))).toMatchObject({ kind: 'failure', reason: 'unavailable', temporary: true });
  });
});

describe('SCRAM-SHA-1', () => {
  it('reproduces RFC 5802 §5', async () => {
    const stored = await storedScram('sha1', 'pencil', 'QSXCR+Q6sek8bf92');
    const m = new ScramMechanism('sha1', memoryBackend({ user: stored }), { hostname: 'h', serverNonce: () => '3rfcNHYJY1ZVvWVs7j' });
    expect(await m.start()).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    const first = await m.step(b('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL'));
    expect(text(first)).toBe('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    const final = await m.step(b('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts='));
    expect(final).toEqual({ kind: 'success', authcid: 'user', authzid: 'user', data: b('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=') });
  });

  it('does not use SCRAM-SHA-256 keys', async () => {
    const stored = await storedScram('sha256', 'pencil', 'W22ZaJ0SNY7soEsUEjb6gQ==');
    const client = scramClient('sha1', 'pencil', 'n=user,r=abcdefghijkl');
    const m = new ScramMechanism('sha1', memoryBackend({ user: stored }), { hostname: 'h' });
    expect(await m.step(client.final(text(await m.start(client.first))).message)).toMatchObject({ kind: 'failure', reason: 'credentials' });
  });
});

describe('SCRAM message parsers', () => {
  it.each([
    ['n,,n=user,r=abc', { cbindFlag: 'n', authzid: '', username: 'user', clientNonce: 'abc', bare: 'n=user,r=abc', gs2Header: 'n,,' }],
    ['y,,n=user,r=abc,x=ext', { cbindFlag: 'y', username: 'user', bare: 'n=user,r=abc,x=ext', gs2Header: 'y,,' }],
    ['n,a=bob=3D=2C,n=a=2Cb,r=abc', { authzid: 'bob=,', username: 'a,b', gs2Header: 'n,a=bob=3D=2C,' }],
    ['n,,n=I\u00ADX,r=abc', { username: 'IX' }],
  ])('parses client-first %j', (msg, expected) => {
    expect(parseClientFirst(b(msg))).toMatchObject(expected);
  });

  it.each([
    ['p=tls-unique,,n=user,r=abc', 'channel binding'],
    ['x,,n=user,r=abc', 'flag'],
    ['n,b=bob,n=user,r=abc', 'authzid'],
    ['n,,m=ext,n=user,r=abc', 'm='],
    ['n,,r=abc,n=user', 'username'],
    ['n,,n=user,s=abc', 'nonce'],
    ['n,,n=us=2Der=,r=abc', 'encoding'],
    ['n,,n=us=41er,r=abc', 'encoding'],
    ['n,,n=,r=abc', 'username'],
    ['n,,n=user,r=', 'nonce'],
    ['n,,n=user,r=a\u00e9', 'nonce'],
    ['n,,n=user', 'too few'],
    ['n,,n=user,r=abc,bad', 'extension'],
    ['n,,n=us\u0007er,r=abc', 'username'],
  ])('rejects client-first %j', (msg, reason) => {
    expect(parseClientFirst(b(msg))).toContain(reason);
  });

  it.each([
    ['c=biws,r=abc', 'proof'],
    ['c=biws,r=abc,p=!!', 'base64'],
    ['r=abc,c=biws,p=AAAA', 'c='],
    ['c=biws,p=AAAA', 'r='],
    ['c=bi*s,r=abc,p=AAAA', 'base64'],
    ['c=biws,r=abc,zz,p=AAAA', 'extension'],
  ])('rejects client-final %j', (msg, reason) => {
    expect(parseClientFinal(b(msg))).toContain(reason);
  });

  it('encodes and decodes saslnames', () => {
    expect(encodeSaslname('a=b,c')).toBe('a=3Db=2Cc');
    expect(decodeSaslname('a=3Db=2Cc')).toBe('a=b,c');
    expect(decodeSaslname('a=2c')).toBeNull();
  });
});
