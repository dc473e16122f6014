// Where mail for an address goes, over an in-memory snapshot of the directory: virtual alias map, local aliases,
// accounts and catch-alls, expanded recursively with loop detection and limits (Postfix's cleanup/local order).
import { addressKey, normalizeDomain, splitAddress, splitExtension } from './address.js';
import type { Account, Domain, LocalRecipient, Resolution } from './types.js';

/** The directory's contents as lookups need them. Keys are lowercase. */
export interface DirectoryData {
  /** addressKey(address) → account. */
  accounts: Map<string, Account>;
  /** Domain name → how it is hosted. */
  domains: Map<string, Domain>;
  /** Virtual alias map: lowercase `local@domain` or `@domain` → targets as written. */
  virtual: Map<string, string[]>;
  /** aliases(5): lowercase local part → targets as written. */
  aliases: Map<string, string[]>;
}

export interface ResolveOptions {
  /** Plus-addressing delimiter characters (Postfix recipient_delimiter); '' disables extensions. */
  delimiters: string;
  /** Deepest alias nesting followed (Postfix virtual_alias_recursion_limit). */
  recursionLimit: number;
  /** Most addresses visited while expanding one recipient (Postfix virtual_alias_expansion_limit). */
  expansionLimit: number;
  /**
   * When an alias matched `user@domain` for `user+tag@domain`, append `+tag` to its targets
   * (Postfix propagate_unmatched_extensions, on for virtual aliases by default).
   */
  propagateExtension: boolean;
}

export const DEFAULT_RESOLVE_OPTIONS: ResolveOptions = {
  delimiters: '+',
  recursionLimit: 1000,
  expansionLimit: 1000,
  propagateExtension: true,
};

interface Lookup {
  targets: string[];
  /** The entry matched the address without its extension. */
  unextended: boolean;
}

interface Target {
  local: string;
  domain: string;
  base: string;
  extension?: string;
}

/** Account lookup for an address in a local domain: exact, then without the extension. */
export function findLocalAccount(data: DirectoryData, t: Target): Account | undefined {
  return data.accounts.get(`${t.local.toLowerCase()}@${t.domain}`) ?? (t.extension !== undefined ? data.accounts.get(`${t.base.toLowerCase()}@${t.domain}`) : undefined);
}

/** Resolves one recipient address. Never throws; limits are reported in `error`. */
export function resolveAddress(data: DirectoryData, address: string, options: ResolveOptions): Resolution {
  const local = new Map<string, LocalRecipient>();
  const remote = new Map<string, string>();
  const unknown = new Map<string, string>();
  let steps = 0;
  let error: Resolution['error'];

  const parse = (text: string): Target | null => {
    const parts = splitAddress(text.trim());
    if (!parts) return null;
    const domain = normalizeDomain(parts.domain) ?? parts.domain.toLowerCase();
    const { base, extension } = splitExtension(parts.local, options.delimiters);
    return extension === undefined ? { local: parts.local, domain, base } : { local: parts.local, domain, base, extension };
  };

  const kindOf = (domain: string) => data.domains.get(domain)?.kind;

  const lookup = (t: Target): Lookup | null => {
    const exact = data.virtual.get(`${t.local.toLowerCase()}@${t.domain}`);
    if (exact) return { targets: exact, unextended: false };
    if (t.extension !== undefined) {
      const base = data.virtual.get(`${t.base.toLowerCase()}@${t.domain}`);
      if (base) return { targets: base, unextended: true };
    }
    const kind = kindOf(t.domain);
    if (kind === 'local') {
      const alias = data.aliases.get(t.local.toLowerCase());
      if (alias) return { targets: alias, unextended: false };
      if (t.extension !== undefined) {
        const base = data.aliases.get(t.base.toLowerCase());
        if (base) return { targets: base, unextended: true };
      }
    }
    // A catch-all applies only to addresses that name no account: unlike a bare Postfix `@domain` entry,
    // it never swallows the mail of existing mailboxes (which Postfix needs identity entries to prevent).
    if (kind === 'local' && findLocalAccount(data, t)) return null;
    const catchAll = data.virtual.get(`@${t.domain}`);
    if (catchAll) return { targets: catchAll, unextended: t.extension !== undefined };
    return null;
  };

  const qualify = (target: string, from: Target, unextended: boolean): string => {
    const t = target.trim();
    if (t.startsWith('@')) return `${from.local}${t}`; // `@otherdomain`: the same user in another domain
    let result = t.includes('@') ? t : `${t}@${from.domain}`; // a bare name stays in the domain it came from
    if (unextended && options.propagateExtension && from.extension !== undefined) {
      const parts = splitAddress(result);
      if (parts && splitExtension(parts.local, options.delimiters).extension === undefined) {
        result = `${parts.local}${options.delimiters[0]}${from.extension}@${parts.domain}`;
      }
    }
    return result;
  };

  const terminal = (text: string, t: Target | null): void => {
    const key = addressKey(text);
    if (!t) {
      unknown.set(key, text);
      return;
    }
    const kind = kindOf(t.domain);
    if (kind === undefined) {
      remote.set(key, text);
      return;
    }
    const account = kind === 'local' ? findLocalAccount(data, t) : undefined;
    if (!account) {
      unknown.set(key, text);
      return;
    }
    const accountKey = addressKey(account.address);
    if (!local.has(accountKey)) {
      local.set(accountKey, t.extension !== undefined && t.local.toLowerCase() !== accountKey.slice(0, accountKey.lastIndexOf('@'))
        ? { account, extension: t.extension }
        : { account });
    }
  };

  const expand = (text: string, ancestors: ReadonlySet<string>, depth: number): void => {
    if (error) return;
    if (++steps > options.expansionLimit) {
      error = { code: 'EXPANSION_LIMIT', message: `alias expansion of ${address} visits more than ${options.expansionLimit} addresses` };
      return;
    }
    if (depth > options.recursionLimit) {
      error = { code: 'RECURSION_LIMIT', message: `aliases of ${address} nest deeper than ${options.recursionLimit} levels` };
      return;
    }
    const t = parse(text);
    const key = addressKey(text);
    // An address that expands (directly or through others) to itself is delivered as itself.
    const found = t && !ancestors.has(key) ? lookup(t) : null;
    if (!t || !found) {
      terminal(text, t);
      return;
    }
    const next = new Set(ancestors).add(key);
    for (const target of found.targets) expand(qualify(target, t, found.unextended), next, depth + 1);
  };

  expand(address, new Set(), 0);
  const result: Resolution = { local: [...local.values()], remote: [...remote.values()], unknown: [...unknown.values()] };
  if (error) result.error = error;
  return result;
}
