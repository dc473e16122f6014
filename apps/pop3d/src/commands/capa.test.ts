// CAPA (RFC 2449) by connection and state, and STLS (RFC 2595) availability.
import { describe, expect, it } from 'vitest';
import { fakeContext } from './test-context.js';

const BASE = ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];

describe('CAPA', () => {
  it.each([
    ['plaintext port, remote client', { secure: false, loopback: false, starttls: true }, {}, false, [...BASE, 'STLS', 'IMPLEMENTATION mail-suite pop3d']],
    ['plaintext port, loopback client', { secure: false, loopback: true, starttls: true }, {}, false, [...BASE, 'USER', 'SASL PLAIN LOGIN', 'STLS', 'IMPLEMENTATION mail-suite pop3d']],
    ['after TLS', { secure: true, starttls: true }, {}, false, [...BASE, 'USER', 'SASL PLAIN LOGIN', 'IMPLEMENTATION mail-suite pop3d']],
    ['challenge-response mechanisms without TLS', { secure: false, starttls: false }, { mechanisms: ['CRAM-MD5', 'PLAIN'] }, false, [...BASE, 'SASL CRAM-MD5', 'IMPLEMENTATION mail-suite pop3d']],
    [
      'EXPIRE and LOGIN-DELAY, no IMPLEMENTATION',
      { secure: true },
      { expire: 'NEVER', loginDelay: 900, implementation: undefined },
      false,
      [...BASE, 'USER', 'SASL PLAIN LOGIN', 'EXPIRE NEVER', 'LOGIN-DELAY 900'],
    ],
    ['TRANSACTION state: no STLS', { secure: false, loopback: true, starttls: true }, {}, true, [...BASE, 'USER', 'SASL PLAIN LOGIN', 'IMPLEMENTATION mail-suite pop3d']],
  ])('%s', async (_name, conn, settings, loggedIn, expected) => {
    const f = await fakeContext({ conn, settings, loggedIn });
    expect(await f.run('CAPA')).toEqual({ kind: 'ok', text: 'Capability list follows', lines: expected });
  });
});

describe('STLS', () => {
  it.each([
    ['offered', { secure: false, starttls: true }, { kind: 'ok', text: 'Begin TLS negotiation now.', after: 'starttls' }],
    ['already under TLS', { secure: true, starttls: true }, { kind: 'err', text: 'TLS is already active.' }],
    ['not on this port', { secure: false, starttls: false }, { kind: 'err', text: 'STLS is not available on this port.' }],
  ])('%s', async (_name, conn, expected) => {
    const f = await fakeContext({ conn });
    expect(await f.run('STLS')).toMatchObject(expected);
  });

  it('is refused in TRANSACTION', async () => {
    const f = await fakeContext({ conn: { secure: false, loopback: true }, loggedIn: true });
    expect(await f.run('STLS')).toMatchObject({ kind: 'err', bad: true });
  });
});
