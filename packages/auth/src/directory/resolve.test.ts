import { describe, expect, it } from 'vitest';
import { emptySnapshot, freezeAccount } from './base.js';
import { DEFAULT_RESOLVE_OPTIONS, resolveAddress, type DirectoryData, type ResolveOptions } from './resolve.js';
import type { Account } from './types.js';

function account(address: string): Account {
  return freezeAccount({ address, passwordHash: '', mailbox: `/m/${address}`, quota: {}, enabled: true });
}

function data(spec: { local?: string[]; alias?: string[]; accounts?: string[]; virtual?: Record<string, string[]>; aliases?: Record<string, string[]> }): DirectoryData {
  const s = emptySnapshot();
  for (const name of spec.local ?? []) s.domains.set(name, { name, kind: 'local', source: 'file' });
  for (const name of spec.alias ?? []) s.domains.set(name, { name, kind: 'alias', source: 'file' });
  for (const a of spec.accounts ?? []) s.accounts.set(a.toLowerCase(), account(a));
  for (const [k, v] of Object.entries(spec.virtual ?? {})) s.virtual.set(k, v);
  for (const [k, v] of Object.entries(spec.aliases ?? {})) s.aliases.set(k, v);
  return s;
}

const opts = (o: Partial<ResolveOptions> = {}): ResolveOptions => ({ ...DEFAULT_RESOLVE_OPTIONS, ...o });
const short = (d: DirectoryData, address: string, o?: Partial<ResolveOptions>) => {
  const r = resolveAddress(d, address, opts(o));
  return { local: r.local.map((l) => (l.extension === undefined ? l.account.address : `${l.account.address}#${l.extension}`)), remote: r.remote, unknown: r.unknown, ...(r.error ? { error: r.error.code } : {}) };
};

describe('resolveAddress', () => {
  const d = data({
    local: ['ex.test'],
    alias: ['al.test'],
    accounts: ['bob@ex.test', 'amy@ex.test', 'x+y@ex.test'],
    virtual: {
      'sales@ex.test': ['bob', 'out@remote.test'],
      'info@ex.test': ['amy@ex.test'],
      'info+special@ex.test': ['bob@ex.test'],
      '@al.test': ['@ex.test'],
      'fwd@ex.test': ['far@remote.test'],
      'over@ex.test': ['bob@ex.test'],
    },
    aliases: { postmaster: ['root'], root: ['bob'], over: ['amy'] },
  });

  it.each([
    ['bob@ex.test', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    ['BOB@EX.TEST', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    ['bob+tag@ex.test', { local: ['bob@ex.test#tag'], remote: [], unknown: [] }],
    // an account whose name contains the delimiter matches exactly first
    ['x+y@ex.test', { local: ['x+y@ex.test'], remote: [], unknown: [] }],
    ['sales@ex.test', { local: ['bob@ex.test'], remote: ['out@remote.test'], unknown: [] }],
    // the extension is propagated to targets when the entry matched without it
    ['sales+q@ex.test', { local: ['bob@ex.test#q'], remote: ['out+q@remote.test'], unknown: [] }],
    ['info+special@ex.test', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    ['info+other@ex.test', { local: ['amy@ex.test#other'], remote: [], unknown: [] }],
    ['postmaster@ex.test', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    ['postmaster+x@ex.test', { local: ['bob@ex.test#x'], remote: [], unknown: [] }],
    // the virtual map comes before the aliases file
    ['over@ex.test', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    // the alias domain's catch-all sends everyone to the same user in ex.test, where local aliases apply
    ['postmaster@al.test', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    ['bob@al.test', { local: ['bob@ex.test'], remote: [], unknown: [] }],
    ['nobody@ex.test', { local: [], remote: [], unknown: ['nobody@ex.test'] }],
    ['someone@remote.test', { local: [], remote: ['someone@remote.test'], unknown: [] }],
    ['not-an-address', { local: [], remote: [], unknown: ['not-an-address'] }],
  ])('%s', (address, expected) => {
    expect(short(d, address)).toEqual(expected);
  });

  it('applies local aliases to local domains only', () => {
    const dd = data({ local: ['ex.test'], alias: ['al.test'], accounts: ['bob@ex.test'], aliases: { postmaster: ['bob'] } });
    expect(short(dd, 'postmaster@al.test')).toEqual({ local: [], remote: [], unknown: ['postmaster@al.test'] });
    expect(short(dd, 'postmaster@ex.test')).toEqual({ local: ['bob@ex.test'], remote: [], unknown: [] });
  });

  it('does not propagate extensions when told not to', () => {
    expect(short(d, 'sales+q@ex.test', { propagateExtension: false })).toEqual({ local: ['bob@ex.test'], remote: ['out@remote.test'], unknown: [] });
  });

  it('treats plus-addressing as off with an empty delimiter', () => {
    expect(short(d, 'bob+tag@ex.test', { delimiters: '' })).toEqual({ local: [], remote: [], unknown: ['bob+tag@ex.test'] });
  });

  it('delivers each account once', () => {
    const dd = data({ local: ['ex.test'], accounts: ['bob@ex.test'], virtual: { 'a@ex.test': ['bob@ex.test', 'BOB@ex.test', 'b@ex.test'], 'b@ex.test': ['bob@ex.test'] } });
    expect(short(dd, 'a@ex.test')).toEqual({ local: ['bob@ex.test'], remote: [], unknown: [] });
  });

  it('catch-alls do not take mail of existing accounts, and loop back to themselves safely', () => {
    const dd = data({ local: ['ex.test'], accounts: ['bob@ex.test'], virtual: { '@ex.test': ['catch@ex.test'] } });
    expect(short(dd, 'bob@ex.test')).toEqual({ local: ['bob@ex.test'], remote: [], unknown: [] });
    expect(short(dd, 'zed@ex.test')).toEqual({ local: [], remote: [], unknown: ['catch@ex.test'] });
  });

  it('stops at the recursion limit', () => {
    const virtual: Record<string, string[]> = {};
    for (let i = 0; i < 30; i++) virtual[`a${i}@ex.test`] = [`a${i + 1}@ex.test`];
    const dd = data({ local: ['ex.test'], virtual });
    expect(short(dd, 'a0@ex.test', { recursionLimit: 10 })).toMatchObject({ error: 'RECURSION_LIMIT' });
    expect(short(dd, 'a0@ex.test', { recursionLimit: 100 })).toEqual({ local: [], remote: [], unknown: ['a30@ex.test'] });
  });

  it('stops at the expansion limit, even for exponential fan-out', () => {
    const virtual: Record<string, string[]> = {};
    for (let i = 0; i < 40; i++) virtual[`n${i}@ex.test`] = [`n${i + 1}@ex.test`, `N${i + 1}@ex.test`.toLowerCase().replace('n', 'm')];
    for (let i = 0; i < 40; i++) virtual[`m${i}@ex.test`] = [`n${i + 1}@ex.test`, `m${i + 1}@ex.test`];
    const dd = data({ local: ['ex.test'], virtual });
    const started = Date.now();
    expect(short(dd, 'n0@ex.test')).toMatchObject({ error: 'EXPANSION_LIMIT' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
