// The account directory: accounts, hosted domains and aliases, behind one interface that every daemon reads
// (smtpd to verify recipients, mda to expand aliases, imapd/pop3d to log in) and mailctl writes.
import type { SourceProblem } from './errors.js';

/** Storage limits of one account; an absent field means no limit. */
export interface Quota {
  bytes?: number;
  messages?: number;
}

export interface Account {
  /** Canonical address: domain in lowercase, local part as it was created (matched without regard to case). */
  address: string;
  /** Stored password, `{SCHEME}data`; the empty string when the account has no password (no login possible). */
  passwordHash: string;
  /** Maildir path: from the account's own entry, else the configured template. */
  mailbox: string;
  quota: Quota;
  /** False when logins are refused (Dovecot `nologin`); mail is still delivered. */
  enabled: boolean;
}

/** local: mailboxes live here; alias: every address must be an alias (Postfix virtual_alias_domains). */
export type DomainKind = 'local' | 'alias';

export interface Domain {
  name: string;
  kind: DomainKind;
  /** Where the domain is declared: the domains file, the configuration's `domains`, or the virtual map. */
  source: 'file' | 'config' | 'virtual';
}

export interface AliasEntry {
  /**
   * What is matched: a full address or `@domain` (catch-all) in the virtual map; a local part in the aliases
   * file (it applies to every local domain).
   */
  source: string;
  targets: string[];
  /** virtual: the Postfix-style virtual alias map; aliases: the aliases(5) file for local parts. */
  map: 'virtual' | 'aliases';
}

/** One mailbox a message for the resolved address is delivered to. */
export interface LocalRecipient {
  account: Account;
  /** The address extension (`tag` of `user+tag@domain`), when the recipient had one. */
  extension?: string;
}

export interface Resolution {
  /** Mailboxes on this server, each account once. */
  local: LocalRecipient[];
  /** Addresses in domains this server does not host, to be relayed. */
  remote: string[];
  /** Addresses in hosted domains that match no account and no alias (the sender gets 550 5.1.1). */
  unknown: string[];
  /** Set when expansion stopped at a limit; the message must not be delivered as resolved. */
  error?: { code: 'RECURSION_LIMIT' | 'EXPANSION_LIMIT'; message: string };
}

/** What every daemon reads. Lookups are cheap: backends keep the data in memory and reload it when it changes. */
export interface Directory {
  /** The account whose login name is `address` (case-insensitive, no extension handling), or null. */
  findAccount(address: string): Promise<Account | null>;
  /** Whether mailboxes of `domain` are on this server. */
  isLocalDomain(domain: string): Promise<boolean>;
  /** How `domain` is hosted here, or null when it is not. */
  domainKind(domain: string): Promise<DomainKind | null>;
  /** Where mail for `address` goes: virtual alias map, local aliases, account, with plus-addressing. */
  resolve(address: string): Promise<Resolution>;
  /** Accounts sorted by domain then local part; only those of `domain` when given. */
  listAccounts(domain?: string): Promise<Account[]>;
  listDomains(): Promise<Domain[]>;
  listAliases(): Promise<AliasEntry[]>;
  /** Lines of the backing store that were skipped as malformed (empty for stores that cannot hold any). */
  problems(): Promise<SourceProblem[]>;
}

export interface NewAccount {
  address: string;
  passwordHash: string;
  quota?: Quota;
  /** Maildir path for this account only; when absent the configured template applies. */
  mailbox?: string;
  enabled?: boolean;
}

export interface AccountChanges {
  passwordHash?: string;
  /** Replaces the whole quota; `{}` removes every limit. */
  quota?: Quota;
  enabled?: boolean;
}

/** What mailctl writes through. Each call is one atomic change, safe against concurrent writers and readers. */
export interface WritableDirectory extends Directory {
  /** Creates an account in a local domain. Throws INVALID_ADDRESS, UNKNOWN_DOMAIN, EXISTS. */
  addAccount(account: NewAccount): Promise<Account>;
  /** Throws NOT_FOUND. */
  updateAccount(address: string, changes: AccountChanges): Promise<Account>;
  /** Throws NOT_FOUND. The mailbox on disk is left alone. */
  removeAccount(address: string): Promise<void>;
  /** Throws INVALID_ADDRESS, EXISTS. */
  addDomain(name: string, kind?: DomainKind): Promise<void>;
  /** Throws NOT_FOUND, READ_ONLY (declared in the configuration), IN_USE (accounts or aliases remain). */
  removeDomain(name: string): Promise<void>;
  /**
   * Adds targets to the virtual alias map entry `source` (full address or `@domain`), creating it when
   * needed; targets already present are kept once. Returns the entry's targets afterwards.
   * Throws INVALID_ADDRESS, UNKNOWN_DOMAIN (source domain not hosted).
   */
  addAlias(source: string, targets: string[]): Promise<string[]>;
  /** Removes one target, or the whole entry when `target` is absent. Throws NOT_FOUND. */
  removeAlias(source: string, target?: string): Promise<void>;
}
