import { describe, expect, it } from 'vitest';
import { AddressSyntaxError, formatLocalPart, normalizeDomain, parseMailbox, parsePathOnly, type Path } from './address.js';

describe('parsePathOnly', () => {
  const ok: Array<[string, Partial<Path['mailbox']> & { route?: string[] }]> = [
    ['<user@example.com>', { localPart: 'user', domain: 'example.com', domainAscii: 'example.com', address: 'user@example.com', quoted: false }],
    ['<User.Name+tag@Example.COM>', { localPart: 'User.Name+tag', domainAscii: 'example.com', address: 'User.Name+tag@Example.COM' }],
    ['<"john doe"@example.com>', { localPart: 'john doe', quoted: true, address: '"john doe"@example.com' }],
    ['<"john"@example.com>', { localPart: 'john', quoted: true, address: 'john@example.com' }],
    ['<"a\\"b"@example.com>', { localPart: 'a"b', address: '"a\\"b"@example.com' }],
    ['<"a\\\\b"@example.com>', { localPart: 'a\\b', address: '"a\\\\b"@example.com' }],
    ['<"a>b"@example.com>', { localPart: 'a>b' }],
    ['<""@example.com>', { localPart: '', quoted: true, address: '""@example.com' }],
    ['<"user@remote"@local.test>', { localPart: 'user@remote', quoted: true, domainAscii: 'local.test' }],
    ['<user%remote@local.test>', { localPart: 'user%remote', domainAscii: 'local.test' }],
    ['<remote!user@local.test>', { localPart: 'remote!user', domainAscii: 'local.test' }],
    ['<@local.test:user@remote.test>', { localPart: 'user', domainAscii: 'remote.test', route: ['local.test'] }],
    ['<@a.test,@B.test:user@c.test>', { domainAscii: 'c.test', route: ['a.test', 'b.test'] }],
    ['<user@[192.0.2.1]>', { domain: '[192.0.2.1]', domainAscii: '[192.0.2.1]', literal: 'ipv4' }],
    ['<user@[IPv6:2001:DB8::1]>', { domainAscii: '[IPv6:2001:db8::1]', literal: 'ipv6' }],
    ['<user@[x-tag:abc]>', { literal: 'general' }],
    ['<用户@例子.测试>', { localPart: '用户', domain: '例子.测试', domainAscii: 'xn--fsqu00a.xn--0zwm56d', utf8: true }],
    ['<ü@münchen.de>', { domainAscii: 'xn--mnchen-3ya.de', utf8: true }],
    ['<user@xn--mnchen-3ya.de>', { domainAscii: 'xn--mnchen-3ya.de', utf8: false }],
    ['<a.b-c_d@x-y.z1>', { localPart: 'a.b-c_d', domainAscii: 'x-y.z1' }],
  ];
  it.each(ok)('%s', (input, want) => {
    const p = parsePathOnly(input) as Path;
    const { route, ...mailbox } = want;
    expect(p.mailbox).toMatchObject(mailbox);
    expect(p.route).toEqual(route ?? []);
  });

  const bad: string[] = [
    'user@example.com',
    '<user@example.com',
    '<user@example.com>x',
    '<>',
    '<user>',
    '<@example.com>',
    '<user@>',
    '<.user@example.com>',
    '<user.@example.com>',
    '<us..er@example.com>',
    '<user@example..com>',
    '<user@example.com.>',
    '<user@-example.com>',
    '<user@exa_mple.com>',
    '<user@ex ample.com>',
    '<us er@example.com>',
    '<user@remote@local>',
    '<"unterminated@example.com>',
    '<"a\x01b"@example.com>',
    '<user@[300.1.1.1]>',
    '<user@[IPv6:zz::1]>',
    '<user@[1.2.3.4>',
    '<@a.test user@c.test>',
    '<@a.test:>',
    `<${'a'.repeat(250)}@example.com>`,
    `<user@${'a'.repeat(64)}.com>`,
    '<user@xn--a.com>',
  ];
  it.each(bad)('rejects %j', (input) => {
    expect(() => parsePathOnly(input, { allowNull: false })).toThrow(AddressSyntaxError);
  });

  it('accepts <> only when allowed', () => {
    expect(parsePathOnly('<>', { allowNull: true })).toEqual({ null: true });
  });

  it('maps a bare <Postmaster> to the given domain', () => {
    const p = parsePathOnly('<PostMaster>', { postmasterDomain: 'mx.test' }) as Path;
    expect(p.mailbox.address).toBe('postmaster@mx.test');
    expect(() => parsePathOnly('<root>', { postmasterDomain: 'mx.test' })).toThrow(AddressSyntaxError);
  });
});

describe('parseMailbox', () => {
  it('parses without brackets', () => {
    expect(parseMailbox('a@b.test').address).toBe('a@b.test');
    expect(() => parseMailbox('<a@b.test>')).toThrow(AddressSyntaxError);
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['a', 'a'],
    ['1.2.3.4', '1.2.3.4'],
    ['', undefined],
    ['a..b', undefined],
    ['a-.b', undefined],
    ['a b', undefined],
  ])('%j → %j', (input, want) => {
    expect(normalizeDomain(input)).toBe(want);
  });
});

describe('formatLocalPart', () => {
  it.each([
    ['simple', 'simple'],
    ['with space', '"with space"'],
    ['a"b', '"a\\"b"'],
    ['.dot', '".dot"'],
    ['', '""'],
  ])('%j → %s', (input, want) => {
    expect(formatLocalPart(input)).toBe(want);
  });
});
