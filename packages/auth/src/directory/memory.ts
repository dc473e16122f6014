// An in-memory directory with the same behaviour as the file backend: for tests and for embedding.
import { addressKey, parseDomain, splitAddress } from './address.js';
import {
  checkAliasSource,
  checkAliasTargets,
  checkNewAccount,
  checkPasswordHash,
  checkQuota,
  DirectoryBase,
  domainInUse,
  emptySnapshot,
  freezeAccount,
  requireAccount,
  type Snapshot,
} from './base.js';
import { DirectoryError } from './errors.js';
import { expandMailboxTemplate } from './mailbox.js';
import { DEFAULT_RESOLVE_OPTIONS, type ResolveOptions } from './resolve.js';
import type { Account, AccountChanges, DomainKind, NewAccount, WritableDirectory } from './types.js';
import { virtualKey } from './virtual-map.js';

export interface MemoryDirectoryOptions {
  /** Local domains that cannot be removed (what the configuration's `domains` is for the file backend). */
  configDomains?: string[];
  /** Local aliases (aliases(5) semantics): local part → targets. */
  aliases?: Record<string, string[]>;
  /** Maildir template with %d %n %u (default: the configuration default). */
  mailboxTemplate?: string;
  resolve?: Partial<ResolveOptions>;
}

export const DEFAULT_MAILBOX_TEMPLATE = '/var/lib/mail/mailboxes/%d/%n/Maildir';

export class MemoryDirectory extends DirectoryBase implements WritableDirectory {
  private readonly accounts = new Map<string, Account>();
  private readonly domains = new Map<string, DomainKind>();
  private readonly configDomains: Set<string>;
  private readonly virtual = new Map<string, { pattern: string; targets: string[] }>();
  private readonly aliases: Map<string, string[]>;
  private readonly template: string;
  private cached: Snapshot | undefined;

  constructor(options: MemoryDirectoryOptions = {}) {
    super({ ...DEFAULT_RESOLVE_OPTIONS, ...options.resolve });
    this.configDomains = new Set((options.configDomains ?? []).map(parseDomain));
    this.aliases = new Map(Object.entries(options.aliases ?? {}).map(([k, v]) => [k.toLowerCase(), [...v]]));
    this.template = options.mailboxTemplate ?? DEFAULT_MAILBOX_TEMPLATE;
  }

  protected async snapshot(): Promise<Snapshot> {
    if (this.cached) return this.cached;
    const s = emptySnapshot();
    for (const name of this.configDomains) s.domains.set(name, { name, kind: 'local', source: 'config' });
    for (const [name, kind] of this.domains) if (!s.domains.has(name)) s.domains.set(name, { name, kind, source: 'file' });
    for (const [key, a] of this.accounts) s.accounts.set(key, a);
    for (const [key, e] of this.virtual) {
      s.virtual.set(key, e.targets);
      s.aliasEntries.push({ source: e.pattern, targets: e.targets, map: 'virtual' });
    }
    for (const [name, targets] of this.aliases) {
      s.aliases.set(name, targets);
      s.aliasEntries.push({ source: name, targets, map: 'aliases' });
    }
    this.cached = s;
    return s;
  }

  private changed(): void {
    this.cached = undefined;
  }

  async addAccount(input: NewAccount): Promise<Account> {
    const address = checkNewAccount(await this.snapshot(), input);
    const { local, domain } = splitAddress(address)!;
    const account = freezeAccount({
      address,
      passwordHash: input.passwordHash,
      mailbox: input.mailbox ?? expandMailboxTemplate(this.template, { address, local, domain, home: '' }),
      quota: checkQuota(input.quota),
      enabled: input.enabled ?? true,
    });
    this.accounts.set(addressKey(address), account);
    this.changed();
    return account;
  }

  async updateAccount(address: string, changes: AccountChanges): Promise<Account> {
    const current = requireAccount(await this.snapshot(), address);
    const next = freezeAccount({
      ...current,
      passwordHash: changes.passwordHash === undefined ? current.passwordHash : checkPasswordHash(changes.passwordHash),
      quota: changes.quota === undefined ? current.quota : checkQuota(changes.quota),
      enabled: changes.enabled ?? current.enabled,
    });
    this.accounts.set(addressKey(current.address), next);
    this.changed();
    return next;
  }

  async removeAccount(address: string): Promise<void> {
    const current = requireAccount(await this.snapshot(), address);
    this.accounts.delete(addressKey(current.address));
    this.changed();
  }

  async addDomain(name: string, kind: DomainKind = 'local'): Promise<void> {
    const domain = parseDomain(name);
    if ((await this.snapshot()).domains.has(domain)) throw new DirectoryError('EXISTS', `domain ${domain} exists already`);
    this.domains.set(domain, kind);
    this.changed();
  }

  async removeDomain(name: string): Promise<void> {
    const domain = parseDomain(name);
    const s = await this.snapshot();
    const known = s.domains.get(domain);
    if (!known) throw new DirectoryError('NOT_FOUND', `no domain ${domain}`);
    if (known.source === 'config') throw new DirectoryError('READ_ONLY', `${domain} is listed in the configuration's domains; remove it there`);
    const busy = domainInUse(s, domain);
    if (busy) throw new DirectoryError('IN_USE', busy);
    this.domains.delete(domain);
    this.changed();
  }

  async addAlias(source: string, targets: string[]): Promise<string[]> {
    const { pattern, key } = checkAliasSource(await this.snapshot(), source);
    const add = checkAliasTargets(targets);
    const existing = this.virtual.get(key);
    const merged = existing ? [...existing.targets] : [];
    for (const t of add) if (!merged.some((m) => addressKey(m) === addressKey(t))) merged.push(t);
    this.virtual.set(key, { pattern: existing?.pattern ?? pattern, targets: merged });
    this.changed();
    return [...merged];
  }

  async removeAlias(source: string, target?: string): Promise<void> {
    const key = virtualKey(source.trim());
    if (!key) throw new DirectoryError('INVALID_ADDRESS', `'${source}' is neither local@domain nor @domain`);
    const existing = this.virtual.get(key);
    if (!existing) throw new DirectoryError('NOT_FOUND', `no alias ${source}`);
    if (target === undefined) {
      this.virtual.delete(key);
    } else {
      const rest = existing.targets.filter((t) => addressKey(t) !== addressKey(target));
      if (rest.length === existing.targets.length) throw new DirectoryError('NOT_FOUND', `${source} has no target ${target}`);
      if (rest.length) this.virtual.set(key, { pattern: existing.pattern, targets: rest });
      else this.virtual.delete(key);
    }
    this.changed();
  }
}
