// Which mechanisms a connection advertises, creating them by name, and the framing helpers for client lines.
import { describe, expect, it } from 'vitest';
import { decodeClientResponse, encodeChallenge } from './framing.js';
import { ALL_MECHANISMS, createMechanism, mechanismNames } from './registry.js';
import { memoryBackend } from './test-backend.js';

describe('mechanismNames', () => {
  it.each([
    [{ tls: false, loopback: false }, []],
    [{ tls: true, loopback: false }, ['PLAIN', 'LOGIN']],
    [{ tls: false, loopback: true }, ['PLAIN', 'LOGIN']],
    [{ tls: false, loopback: false, allowInsecure: true }, ['PLAIN', 'LOGIN']],
    [{ tls: false, loopback: false, enabled: ALL_MECHANISMS }, ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5']],
    [{ tls: true, loopback: false, enabled: ALL_MECHANISMS }, ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5', 'PLAIN', 'LOGIN']],
    [{ tls: true, loopback: false, enabled: ['login', 'scram-sha-256', 'GSSAPI'] }, ['SCRAM-SHA-256', 'LOGIN']],
  ])('%j → %j', (policy, expected) => {
    expect(mechanismNames(policy)).toEqual(expected);
  });
});

describe('createMechanism', () => {
  it('creates every mechanism by name, in any case', () => {
    for (const name of ALL_MECHANISMS) {
      expect(createMechanism(name.toLowerCase(), memoryBackend({}), { hostname: 'h' })?.name).toBe(name);
    }
    expect(createMechanism('GSSAPI', memoryBackend({}), { hostname: 'h' })).toBeUndefined();
    expect(createMechanism('', memoryBackend({}), { hostname: 'h' })).toBeUndefined();
  });

  it('declares which mechanisms take an initial response', () => {
    const ir = Object.fromEntries(ALL_MECHANISMS.map((n) => [n, createMechanism(n, memoryBackend({}), { hostname: 'h' })?.initialResponse]));
    expect(ir).toEqual({ PLAIN: true, LOGIN: true, 'CRAM-MD5': false, 'SCRAM-SHA-1': true, 'SCRAM-SHA-256': true });
  });
});

describe('framing', () => {
  it.each([
    ['*', { kind: 'cancel' }],
    ['=', { kind: 'response', data: Buffer.alloc(0) }],
    ['', { kind: 'response', data: Buffer.alloc(0) }],
    ['AHRpbQB0YW5zdGFhZnRhbnN0YWFm', { kind: 'response', data: Buffer.from('\0tim\0tanstaaftanstaaf') }],
    ['dGlt', { kind: 'response', data: Buffer.from('tim') }],
    ['dGk=', { kind: 'response', data: Buffer.from('ti') }],
    ['dGk', { kind: 'invalid' }],
    ['dG!t', { kind: 'invalid' }],
    ['dGlt\r', { kind: 'invalid' }],
    [' dGlt', { kind: 'invalid' }],
    ['**', { kind: 'invalid' }],
  ])('decodes %j', (line, expected) => {
    expect(decodeClientResponse(line)).toEqual(expected);
  });

  it('encodes challenges', () => {
    expect(encodeChallenge(Buffer.from('Username:'))).toBe('VXNlcm5hbWU6');
    expect(encodeChallenge(Buffer.alloc(0))).toBe('');
  });
});
