import { describe, expect, it } from 'vitest';
import { NexthopSyntaxError, parseNexthop, parseTransport, toALabel } from './nexthop.js';
import { Router } from './router.js';
import { parseSaslPasswords, SaslPasswordsError } from './sasl-passwords.js';
import { TransportMap } from './transport-map.js';
import { inspect } from 'node:util';

describe('parseNexthop', () => {
  it.each([
    ['[mail.example.com]:587', { kind: 'smtp', host: 'mail.example.com', port: 587, mx: false }],
    ['[mail.example.com]', { kind: 'smtp', host: 'mail.example.com', port: 25, mx: false }],
    ['example.com', { kind: 'smtp', host: 'example.com', port: 25, mx: true }],
    ['Example.COM:2525', { kind: 'smtp', host: 'example.com', port: 2525, mx: true }],
    ['192.0.2.1:25', { kind: 'smtp', host: '192.0.2.1', port: 25, mx: false }],
    ['[ipv6:2001:db8::1]:25', { kind: 'smtp', host: '2001:db8::1', port: 25, mx: false }],
    ['[::1]:2525', { kind: 'smtp', host: '::1', port: 2525, mx: false }],
    ['bücher.example', { kind: 'smtp', host: 'xn--bcher-kva.example', port: 25, mx: true }],
  ])('%s', (text, expected) => {
    expect(parseNexthop(text)).toEqual(expected);
  });

  it.each(['', '[host', 'host:0', 'host:70000', 'host:abc', '2001:db8::1', 'bad_host!', '[host]x'])('rejects %j', (text) => {
    expect(() => parseNexthop(text)).toThrow(NexthopSyntaxError);
  });
});

describe('parseTransport', () => {
  it.each([
    ['local', { kind: 'local' }],
    ['smtp:', { kind: 'smtp-domain', port: 25 }],
    ['smtp::2525', { kind: 'smtp-domain', port: 2525 }],
    ['smtp:[relay.example]:587', { kind: 'smtp', host: 'relay.example', port: 587, mx: false }],
    ['smtp:relay.example', { kind: 'smtp', host: 'relay.example', port: 25, mx: true }],
    ['relay:[10.0.0.1]', { kind: 'smtp', host: '10.0.0.1', port: 25, mx: false }],
  ])('%s', (text, expected) => {
    expect(parseTransport(text)).toEqual(expected);
  });

  it('rejects unknown transports', () => {
    expect(() => parseTransport('uucp:host')).toThrow(NexthopSyntaxError);
  });
});

describe('TransportMap', () => {
  const map = TransportMap.parse({
    'special@example.com': 'smtp:[10.0.0.9]:2525',
    'example.com': 'smtp:[mx.example.com]',
    '.example.com': 'smtp:inner.example.com',
    'local.test': 'local',
    'bücher.example': 'smtp:[books]',
  });

  it.each([
    ['Special@Example.com', { kind: 'smtp', host: '10.0.0.9', port: 2525, mx: false }],
    ['other@example.com', { kind: 'smtp', host: 'mx.example.com', port: 25, mx: false }],
    ['a@sub.deep.example.com', { kind: 'smtp', host: 'inner.example.com', port: 25, mx: true }],
    ['a@local.test', { kind: 'local' }],
    ['a@xn--bcher-kva.example', { kind: 'smtp', host: 'books', port: 25, mx: false }],
    ['a@BÜCHER.example', { kind: 'smtp', host: 'books', port: 25, mx: false }],
    ['a@elsewhere.test', undefined],
  ])('%s', (address, expected) => {
    expect(map.lookup(address)).toEqual(expected);
  });

  it('falls back to *', () => {
    expect(TransportMap.parse({ '*': 'smtp:[hub]' }).lookup('x@y.test')).toEqual({ kind: 'smtp', host: 'hub', port: 25, mx: false });
  });

  it('names the bad entry', () => {
    expect(() => TransportMap.parse({ 'example.com': 'smtp:[x' })).toThrow(/example\.com/);
  });
});

describe('parseSaslPasswords', () => {
  it('parses entries, comments and passwords with colons and spaces', () => {
    const table = parseSaslPasswords('# smarthosts\n[smtp.example.com]:587 alice:s3cret:with colon\n\nrelay.example bob:pw\n');
    expect(table.get('[smtp.example.com]:587')).toMatchObject({ user: 'alice', password: 's3cret:with colon' });
    expect(table.get('relay.example:25')).toMatchObject({ user: 'bob', password: 'pw' });
    expect(table.size).toBe(2);
  });

  it('never shows the password in JSON or inspection', () => {
    const c = parseSaslPasswords('[h]:587 alice:topsecret').get('[h]:587')!;
    expect(JSON.stringify(c)).not.toContain('topsecret');
    expect(inspect(c)).not.toContain('topsecret');
    expect(inspect({ c })).not.toContain('topsecret');
  });

  it.each(['[h]:587', '[h]:587 nopassword', '[h:587 a:b', '[h]:99999 a:b'])('rejects %j without quoting a secret', (line) => {
    expect(() => parseSaslPasswords(`${line}\n`, 'f')).toThrow(SaslPasswordsError);
    expect(() => parseSaslPasswords(`${line}\n`, 'f')).toThrow(/f line 1/);
  });
});

describe('toALabel', () => {
  it.each([
    ['Example.COM.', 'example.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['', null],
    ['a..b', null],
    ['-bad.example', null],
  ])('%j → %j', (input, expected) => {
    expect(toALabel(input)).toBe(expected);
  });
});

describe('Router', () => {
  const sasl = parseSaslPasswords('[smart.example]:587 user:pw\n');
  const base = { transport: TransportMap.parse({ 'local.test': 'local', 'pinned.test': 'smtp:[10.1.1.1]:2525' }), sasl, tls: 'may' as const };

  it('routes by MX with the default TLS level and per-domain policy', () => {
    const r = new Router({ ...base, tlsPolicy: { 'secure.test': 'encrypt', '.corp.test': 'encrypt' } });
    expect(r.route('a@other.test')).toMatchObject({ kind: 'smtp', nexthop: { host: 'other.test', mx: true, port: 25 }, tls: 'may', relay: false });
    expect(r.route('a@secure.test')).toMatchObject({ tls: 'encrypt' });
    expect(r.route('a@x.corp.test')).toMatchObject({ tls: 'encrypt' });
    expect(r.route('a@local.test')).toEqual({ kind: 'local' });
    expect(r.route('a@pinned.test')).toMatchObject({ nexthop: { host: '10.1.1.1', port: 2525, mx: false } });
    expect(r.route('nodomain')).toMatchObject({ kind: 'invalid', status: '5.1.2' });
  });

  it('sends everything else to the relayhost with TLS required and its credentials', () => {
    const r = new Router({ ...base, relayhost: '[smart.example]:587', tlsPolicy: {} });
    const route = r.route('a@remote.test');
    expect(route).toMatchObject({ kind: 'smtp', relay: true, tls: 'encrypt', nexthop: { host: 'smart.example', port: 587, mx: false } });
    expect(route.kind === 'smtp' && route.credentials?.user).toBe('user');
    // The transport map still wins over the relayhost.
    expect(r.route('a@local.test')).toEqual({ kind: 'local' });
    expect(r.route('a@pinned.test')).toMatchObject({ relay: false, nexthop: { host: '10.1.1.1' } });
  });
});
