// Behaviour every WritableDirectory backend must show; run against each backend by its own test file.
import { describe, expect, it } from 'vitest';
import { DirectoryError } from './errors.js';
import type { WritableDirectory } from './types.js';

export interface ContractFixture {
  /** A new, empty directory whose configuration declares the local domain `config.test`, with local aliases
   * `postmaster: root` and `root: admin@example.test`, and mailbox template `/srv/mail/%d/%n`. */
  make(): Promise<WritableDirectory>;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DirectoryError) return err.code;
    throw err;
  }
  return 'no error';
}

const HASH = '{PLAIN}secret';

export function directoryContract(name: string, fixture: ContractFixture): void {
  describe(`${name}: Directory contract`, () => {
    it('adds, finds (case-insensitively), lists and removes accounts', async () => {
      const d = await fixture.make();
      await d.addDomain('Example.TEST');
      const a = await d.addAccount({ address: 'Alice@EXAMPLE.test', passwordHash: HASH, quota: { bytes: 1024 ** 3 } });
      expect(a).toEqual({ address: 'Alice@example.test', passwordHash: HASH, mailbox: '/srv/mail/example.test/Alice', quota: { bytes: 1024 ** 3 }, enabled: true });
      expect(await d.findAccount('alice@example.test')).toEqual(a);
      expect(await d.findAccount('ALICE@Example.Test')).toEqual(a);
      expect(await d.findAccount('alice+tag@example.test')).toBeNull();
      await d.addAccount({ address: 'bob@config.test', passwordHash: HASH });
      await d.addAccount({ address: 'aaron@example.test', passwordHash: HASH });
      expect((await d.listAccounts()).map((x) => x.address)).toEqual(['bob@config.test', 'aaron@example.test', 'Alice@example.test']);
      expect((await d.listAccounts('example.test')).map((x) => x.address)).toEqual(['aaron@example.test', 'Alice@example.test']);
      await d.removeAccount('ALICE@example.test');
      expect(await d.findAccount('alice@example.test')).toBeNull();
      expect(await code(d.removeAccount('alice@example.test'))).toBe('NOT_FOUND');
    });

    it('rejects bad addresses, duplicates and accounts outside local domains', async () => {
      const d = await fixture.make();
      await d.addDomain('lists.test', 'alias');
      await d.addAccount({ address: 'carol@config.test', passwordHash: HASH });
      expect(await code(d.addAccount({ address: 'CAROL@config.test', passwordHash: HASH }))).toBe('EXISTS');
      expect(await code(d.addAccount({ address: 'no-at-sign', passwordHash: HASH }))).toBe('INVALID_ADDRESS');
      expect(await code(d.addAccount({ address: 'a..b@config.test', passwordHash: HASH }))).toBe('INVALID_ADDRESS');
      expect(await code(d.addAccount({ address: 'a:b@config.test', passwordHash: HASH }))).toBe('INVALID_ADDRESS');
      expect(await code(d.addAccount({ address: 'x@bad_domain', passwordHash: HASH }))).toBe('INVALID_ADDRESS');
      expect(await code(d.addAccount({ address: '#x@config.test', passwordHash: HASH }))).toBe('INVALID_ADDRESS');
      expect(await code(d.addAccount({ address: 'x@elsewhere.test', passwordHash: HASH }))).toBe('UNKNOWN_DOMAIN');
      expect(await code(d.addAccount({ address: 'x@lists.test', passwordHash: HASH }))).toBe('UNKNOWN_DOMAIN');
      expect(await code(d.addAccount({ address: 'x@config.test', passwordHash: 'has space' }))).toBe('INVALID_VALUE');
      expect(await code(d.addAccount({ address: 'x@config.test', passwordHash: HASH, quota: { bytes: -1 } }))).toBe('INVALID_VALUE');
    });

    it('updates password, quota and enabled state', async () => {
      const d = await fixture.make();
      await d.addAccount({ address: 'dave@config.test', passwordHash: HASH, quota: { bytes: 2048, messages: 10 } });
      let a = await d.updateAccount('Dave@config.test', { passwordHash: '{PLAIN}other' });
      expect(a.passwordHash).toBe('{PLAIN}other');
      expect(a.quota).toEqual({ bytes: 2048, messages: 10 });
      a = await d.updateAccount('dave@config.test', { quota: { messages: 5 }, enabled: false });
      expect(a).toMatchObject({ quota: { messages: 5 }, enabled: false });
      expect((await d.findAccount('dave@config.test'))?.enabled).toBe(false);
      a = await d.updateAccount('dave@config.test', { quota: {}, enabled: true });
      expect(a).toMatchObject({ quota: {}, enabled: true, passwordHash: '{PLAIN}other' });
      expect(await code(d.updateAccount('nobody@config.test', { enabled: false }))).toBe('NOT_FOUND');
    });

    it('manages domains', async () => {
      const d = await fixture.make();
      await d.addDomain('b.test');
      await d.addDomain('a.test', 'alias');
      expect(await d.listDomains()).toEqual([
        { name: 'a.test', kind: 'alias', source: 'file' },
        { name: 'b.test', kind: 'local', source: 'file' },
        { name: 'config.test', kind: 'local', source: 'config' },
      ]);
      expect(await d.isLocalDomain('B.TEST')).toBe(true);
      expect(await d.isLocalDomain('a.test')).toBe(false);
      expect(await d.domainKind('a.test')).toBe('alias');
      expect(await d.domainKind('nowhere.test')).toBeNull();
      expect(await code(d.addDomain('B.test'))).toBe('EXISTS');
      expect(await code(d.addDomain('config.test'))).toBe('EXISTS');
      expect(await code(d.addDomain('-bad-.test'))).toBe('INVALID_ADDRESS');
      expect(await code(d.removeDomain('config.test'))).toBe('READ_ONLY');
      expect(await code(d.removeDomain('zzz.test'))).toBe('NOT_FOUND');
      await d.addAccount({ address: 'e@b.test', passwordHash: HASH });
      expect(await code(d.removeDomain('b.test'))).toBe('IN_USE');
      await d.removeAccount('e@b.test');
      await d.addAlias('x@a.test', ['e@config.test']);
      expect(await code(d.removeDomain('a.test'))).toBe('IN_USE');
      await d.removeAlias('x@a.test');
      await d.removeDomain('a.test');
      await d.removeDomain('b.test');
      expect((await d.listDomains()).map((x) => x.name)).toEqual(['config.test']);
    });

    it('manages virtual aliases and lists both maps', async () => {
      const d = await fixture.make();
      expect(await d.addAlias('Sales@Config.test', ['a@config.test', 'b@remote.example'])).toEqual(['a@config.test', 'b@remote.example']);
      expect(await d.addAlias('sales@config.test', ['B@REMOTE.example', 'c@config.test'])).toEqual(['a@config.test', 'b@remote.example', 'c@config.test']);
      await d.addAlias('@config.test', ['catch@config.test']);
      expect(await code(d.addAlias('x@unknown.test', ['a@config.test']))).toBe('UNKNOWN_DOMAIN');
      expect(await code(d.addAlias('x@config.test', []))).toBe('INVALID_VALUE');
      expect(await code(d.addAlias('#x@config.test', ['a@config.test']))).toBe('INVALID_ADDRESS');
      expect(await code(d.addAlias('x@config.test', ['not an address']))).toBe('INVALID_ADDRESS');
      const aliases = await d.listAliases();
      expect(aliases).toContainEqual({ source: 'Sales@config.test', targets: ['a@config.test', 'b@remote.example', 'c@config.test'], map: 'virtual' });
      expect(aliases).toContainEqual({ source: '@config.test', targets: ['catch@config.test'], map: 'virtual' });
      expect(aliases).toContainEqual({ source: 'postmaster', targets: ['root'], map: 'aliases' });
      await d.removeAlias('sales@config.test', 'b@remote.example');
      expect((await d.listAliases()).find((e) => e.source === 'Sales@config.test')?.targets).toEqual(['a@config.test', 'c@config.test']);
      expect(await code(d.removeAlias('sales@config.test', 'zz@config.test'))).toBe('NOT_FOUND');
      await d.removeAlias('sales@config.test', 'a@config.test');
      await d.removeAlias('sales@config.test', 'c@config.test');
      expect((await d.listAliases()).some((e) => e.source === 'Sales@config.test')).toBe(false);
      expect(await code(d.removeAlias('sales@config.test'))).toBe('NOT_FOUND');
      expect(await code(d.removeAlias('postmaster'))).toBe('INVALID_ADDRESS');
    });

    it('resolves through virtual aliases, local aliases, accounts, extensions and catch-alls', async () => {
      const d = await fixture.make();
      await d.addDomain('example.test');
      await d.addDomain('lists.test', 'alias');
      const admin = await d.addAccount({ address: 'admin@example.test', passwordHash: HASH });
      const bob = await d.addAccount({ address: 'Bob@config.test', passwordHash: HASH });
      await d.addAlias('team@lists.test', ['bob@config.test', 'admin@example.test', 'friend@remote.example']);
      await d.addAlias('copy@config.test', ['copy@config.test', 'x@remote.example']);
      expect(await d.resolve('bob@CONFIG.test')).toEqual({ local: [{ account: bob }], remote: [], unknown: [] });
      expect(await d.resolve('bob+news@config.test')).toEqual({ local: [{ account: bob, extension: 'news' }], remote: [], unknown: [] });
      // postmaster → root (same domain) → admin@example.test
      expect(await d.resolve('postmaster@config.test')).toEqual({ local: [{ account: admin }], remote: [], unknown: [] });
      expect(await d.resolve('team@lists.test')).toEqual({ local: [{ account: bob }, { account: admin }], remote: ['friend@remote.example'], unknown: [] });
      expect(await d.resolve('nobody@lists.test')).toEqual({ local: [], remote: [], unknown: ['nobody@lists.test'] });
      expect(await d.resolve('nobody@config.test')).toEqual({ local: [], remote: [], unknown: ['nobody@config.test'] });
      expect(await d.resolve('someone@remote.example')).toEqual({ local: [], remote: ['someone@remote.example'], unknown: [] });
      // an alias that names itself stops there: its own (missing) account plus the copy
      expect(await d.resolve('copy@config.test')).toEqual({ local: [], remote: ['x@remote.example'], unknown: ['copy@config.test'] });
      await d.addAlias('@config.test', ['admin@example.test']);
      expect(await d.resolve('nobody@config.test')).toEqual({ local: [{ account: admin }], remote: [], unknown: [] });
      expect(await d.resolve('bob@config.test')).toEqual({ local: [{ account: bob }], remote: [], unknown: [] });
    });

    it('stops alias loops', async () => {
      const d = await fixture.make();
      const bob = await d.addAccount({ address: 'bob@config.test', passwordHash: HASH });
      await d.addAlias('a@config.test', ['b@config.test']);
      await d.addAlias('b@config.test', ['a@config.test', 'bob@config.test']);
      expect(await d.resolve('a@config.test')).toEqual({ local: [{ account: bob }], remote: [], unknown: ['a@config.test'] });
    });
  });
}
