// What every directory backend shares: the read side of the Directory interface over an in-memory snapshot,
// and the checks a write must pass before a backend stores it.
import { addressKey, normalizeDomain, parseAddress, parseDomain, parseStorableAddress, splitAddress } from './address.js';
import { DirectoryError, type SourceProblem } from './errors.js';
import { resolveAddress, type DirectoryData, type ResolveOptions } from './resolve.js';
import type { Account, AliasEntry, Directory, Domain, DomainKind, NewAccount, Quota, Resolution } from './types.js';

/** Everything a backend has loaded: lookup maps plus what listings and `problems()` show. */
export interface Snapshot extends DirectoryData {
  /** Alias entries for listings: the virtual map first (patterns as written), then the aliases file. */
  aliasEntries: AliasEntry[];
  problems: SourceProblem[];
}

export function emptySnapshot(): Snapshot {
  return { accounts: new Map(), domains: new Map(), virtual: new Map(), aliases: new Map(), aliasEntries: [], problems: [] };
}

function compareAccounts(a: Account, b: Account): number {
  const [la, da] = [a.address.slice(0, a.address.lastIndexOf('@')).toLowerCase(), a.address.slice(a.address.lastIndexOf('@') + 1)];
  const [lb, db] = [b.address.slice(0, b.address.lastIndexOf('@')).toLowerCase(), b.address.slice(b.address.lastIndexOf('@') + 1)];
  return da < db ? -1 : da > db ? 1 : la < lb ? -1 : la > lb ? 1 : 0;
}

/** The read side of a Directory over whatever snapshot the backend currently holds. */
export abstract class DirectoryBase implements Directory {
  protected constructor(protected readonly resolveOptions: ResolveOptions) {}

  /** The current contents (reloaded by the backend when its store changed). */
  protected abstract snapshot(): Promise<Snapshot>;

  async findAccount(address: string): Promise<Account | null> {
    const s = await this.snapshot();
    return s.accounts.get(addressKey(address)) ?? null;
  }

  async isLocalDomain(domain: string): Promise<boolean> {
    return (await this.domainKind(domain)) === 'local';
  }

  async domainKind(domain: string): Promise<DomainKind | null> {
    const name = normalizeDomain(domain);
    if (!name) return null;
    return (await this.snapshot()).domains.get(name)?.kind ?? null;
  }

  async resolve(address: string): Promise<Resolution> {
    return resolveAddress(await this.snapshot(), address, this.resolveOptions);
  }

  async listAccounts(domain?: string): Promise<Account[]> {
    const s = await this.snapshot();
    const only = domain === undefined ? undefined : (normalizeDomain(domain) ?? domain.toLowerCase());
    const all = [...s.accounts.values()].filter((a) => only === undefined || a.address.endsWith(`@${only}`));
    return all.sort(compareAccounts);
  }

  async listDomains(): Promise<Domain[]> {
    return [...(await this.snapshot()).domains.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async listAliases(): Promise<AliasEntry[]> {
    return (await this.snapshot()).aliasEntries.map((e) => ({ ...e, targets: [...e.targets] }));
  }

  async problems(): Promise<SourceProblem[]> {
    return [...(await this.snapshot()).problems];
  }
}

/** An immutable account record. */
export function freezeAccount(a: Account): Account {
  return Object.freeze({ ...a, quota: Object.freeze({ ...a.quota }) });
}

export function checkQuota(quota: Quota | undefined): Quota {
  const out: Quota = {};
  for (const key of ['bytes', 'messages'] as const) {
    const v = quota?.[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0) throw new DirectoryError('INVALID_VALUE', `quota ${key} must be a whole number ≥ 0, not ${v}`);
    if (v > 0) out[key] = v; // 0 means no limit, as in Dovecot
  }
  return out;
}

export function checkPasswordHash(hash: string): string {
  if (hash !== '' && !/^\{[A-Za-z0-9._-]+\}[^\s:]*$/.test(hash)) {
    throw new DirectoryError('INVALID_VALUE', 'a stored password must look like {SCHEME}data, without blanks or colons');
  }
  return hash;
}

/** Validates a new account against the current contents; returns its canonical address. */
export function checkNewAccount(s: Snapshot, input: NewAccount): string {
  const parsed = parseStorableAddress(input.address);
  if (parsed.local.includes('/')) throw new DirectoryError('INVALID_ADDRESS', `'${input.address}': a local part cannot contain '/'`);
  const kind = s.domains.get(parsed.domain)?.kind;
  if (kind !== 'local') {
    throw new DirectoryError(
      'UNKNOWN_DOMAIN',
      kind === 'alias'
        ? `${parsed.domain} is an alias domain; accounts need a local domain`
        : `${parsed.domain} is not a local domain (add it with 'domain add' or to the configuration's domains)`,
    );
  }
  if (s.accounts.has(addressKey(parsed.address))) throw new DirectoryError('EXISTS', `account ${parsed.address} exists already`);
  checkPasswordHash(input.passwordHash);
  checkQuota(input.quota);
  if (input.mailbox !== undefined && (!input.mailbox.startsWith('/') || /[\s:]/.test(input.mailbox))) {
    throw new DirectoryError('INVALID_VALUE', 'a mailbox path must be absolute, without blanks or colons');
  }
  return parsed.address;
}

export function requireAccount(s: Snapshot, address: string): Account {
  const account = s.accounts.get(addressKey(address));
  if (!account) throw new DirectoryError('NOT_FOUND', `no account ${address}`);
  return account;
}

/** Validates a virtual alias pattern (`local@domain` or `@domain` of a hosted domain); returns [pattern, key]. */
export function checkAliasSource(s: Snapshot, source: string): { pattern: string; key: string } {
  const text = source.trim();
  let pattern: string;
  let domain: string;
  if (text.startsWith('@')) {
    domain = parseDomain(text.slice(1));
    pattern = `@${domain}`;
  } else {
    const parsed = parseStorableAddress(text);
    domain = parsed.domain;
    pattern = parsed.address;
  }
  if (!s.domains.has(domain)) throw new DirectoryError('UNKNOWN_DOMAIN', `${domain} is not a domain of this server`);
  return { pattern, key: pattern.startsWith('@') ? pattern : addressKey(pattern) };
}

/** Validates alias targets (full addresses, remote allowed); returns their canonical forms without repeats. */
export function checkAliasTargets(targets: readonly string[]): string[] {
  if (targets.length === 0) throw new DirectoryError('INVALID_VALUE', 'an alias needs at least one target');
  const out = new Map<string, string>();
  for (const t of targets) {
    const parsed = parseAddress(t);
    out.set(addressKey(parsed.address), parsed.address);
  }
  return [...out.values()];
}

/** Why `name` cannot be removed, or null when it can. */
export function domainInUse(s: Snapshot, name: string): string | null {
  const accounts = [...s.accounts.values()].filter((a) => splitAddress(a.address)?.domain === name).length;
  if (accounts) return `${name} still has ${accounts} account${accounts > 1 ? 's' : ''}`;
  const aliases = [...s.virtual.keys()].filter((k) => k === `@${name}` || k.endsWith(`@${name}`)).length;
  if (aliases) return `${name} still has ${aliases} alias${aliases > 1 ? 'es' : ''}`;
  return null;
}
