import { describe, expect, it } from 'vitest';
import { dnsServerAddress, DnsTemporaryError, isNullMx, lookupMx, orderMx, type DnsResolver } from './mx.js';

function err(code: string): Error {
  return Object.assign(new Error(code), { code });
}

function resolver(table: { mx?: Record<string, Array<{ exchange: string; priority: number }> | string>; a?: Record<string, string[] | string>; aaaa?: Record<string, string[] | string> }): DnsResolver {
  const get = <T>(t: Record<string, T | string> | undefined, name: string): Promise<T> => {
    const v = t?.[name];
    if (v === undefined) return Promise.reject(err('ENOTFOUND'));
    if (typeof v === 'string') return Promise.reject(err(v));
    return Promise.resolve(v);
  };
  return {
    resolveMx: (n) => get(table.mx, n),
    resolve4: (n) => get(table.a, n),
    resolve6: (n) => get(table.aaaa, n),
  };
}

describe('orderMx', () => {
  const records = [
    { exchange: 'c.example.', priority: 20 },
    { exchange: 'a.example', priority: 10 },
    { exchange: 'b.example', priority: 10 },
    { exchange: 'A.example', priority: 30 },
  ];

  it('sorts by preference and drops repeated hosts', () => {
    const names = orderMx(records).map((h) => h.name);
    expect(names.slice(2)).toEqual(['c.example']);
    expect(new Set(names.slice(0, 2))).toEqual(new Set(['a.example', 'b.example']));
    expect(names).toHaveLength(3);
  });

  it('randomises hosts of equal preference', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(orderMx(records)[0]!.name);
    expect(seen).toEqual(new Set(['a.example', 'b.example']));
    let n = 0;
    const fixed = (): number => [0.9, 0.6, 0.2, 0.5][n++ % 4]!;
    expect(orderMx(records, fixed).map((h) => h.name)).toEqual(['b.example', 'a.example', 'c.example']);
  });
});

describe('lookupMx', () => {
  it('returns hosts in preference order', async () => {
    const r = resolver({ mx: { 'x.test': [{ exchange: 'mx2.x.test', priority: 20 }, { exchange: 'mx1.x.test', priority: 10 }] } });
    expect(await lookupMx(r, 'x.test')).toEqual({ kind: 'hosts', hosts: [{ name: 'mx1.x.test', preference: 10 }, { name: 'mx2.x.test', preference: 20 }] });
  });

  it('recognises null MX (RFC 7505)', async () => {
    expect(await lookupMx(resolver({ mx: { 'n.test': [{ exchange: '', priority: 0 }] } }), 'n.test')).toEqual({ kind: 'null-mx' });
    expect(isNullMx([{ exchange: '.', priority: 0 }])).toBe(true);
    expect(isNullMx([{ exchange: '', priority: 0 }, { exchange: 'mx', priority: 10 }])).toBe(false);
  });

  it('falls back to the address records of the domain', async () => {
    expect(await lookupMx(resolver({ a: { 'a.test': ['192.0.2.1'] } }), 'a.test')).toEqual({ kind: 'hosts', hosts: [{ name: 'a.test', preference: 0 }] });
    expect(await lookupMx(resolver({ mx: { 'a.test': 'ENODATA' }, aaaa: { 'a.test': ['2001:db8::1'] } }), 'a.test')).toEqual({ kind: 'hosts', hosts: [{ name: 'a.test', preference: 0 }] });
  });

  it('reports a domain with neither MX nor address', async () => {
    expect(await lookupMx(resolver({}), 'gone.test')).toEqual({ kind: 'no-domain' });
  });

  it('treats SERVFAIL and timeouts as temporary', async () => {
    await expect(lookupMx(resolver({ mx: { 's.test': 'ESERVFAIL' } }), 's.test')).rejects.toThrow(DnsTemporaryError);
    await expect(lookupMx(resolver({ mx: { 's.test': 'ENODATA' }, a: { 's.test': 'ETIMEOUT' } }), 's.test')).rejects.toThrow(DnsTemporaryError);
  });
});

describe('dnsServerAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1:5353', '127.0.0.1:5353'],
    ['::1', '[::1]'],
    ['[::1]:5353', '[::1]:5353'],
  ])('%s', (input, expected) => {
    expect(dnsServerAddress(input)).toBe(expected);
  });

  it.each(['dns.example', '1.2.3.4:0', ''])('rejects %j', (input) => {
    expect(() => dnsServerAddress(input)).toThrow();
  });
});
