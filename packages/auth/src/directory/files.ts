// The file backend of the directory: the Dovecot passwd-file user file, the domain list, the aliases(5) file and
// the virtual alias map, reloaded when they change and rewritten atomically under a lock by mailctl.
import { addressKey, parseDomain } from './address.js';
import { acquireLock, writeFileAtomic, type LockOptions } from './atomic.js';
import {
  checkAliasSource,
  checkAliasTargets,
  checkNewAccount,
  checkPasswordHash,
  checkQuota,
  DirectoryBase,
  domainInUse,
  requireAccount,
  type Snapshot,
} from './base.js';
import { formatDomainLine, parseDomainsFile } from './domains-file.js';
import { DirectoryError, type SourceProblem } from './errors.js';
import { fileSignature, loadDirectory, readLines, type DirectoryPaths } from './load.js';
import { formatPasswdEntry, parsePasswdFile, withEnabled, withQuota, type ExtraField } from './passwd-file.js';
import { DEFAULT_RESOLVE_OPTIONS, type ResolveOptions } from './resolve.js';
import { joinLines, spliceLines } from './text-lines.js';
import type { Account, AccountChanges, DomainKind, NewAccount, WritableDirectory } from './types.js';
import { formatVirtualEntry, parseVirtualMap, virtualKey } from './virtual-map.js';

export interface FilesDirectoryOptions {
  paths: DirectoryPaths;
  /** Local domains from the configuration (`domains`); they cannot be removed through the directory. */
  configDomains?: string[];
  /** Check the files for changes at most this often, in ms (0: on every lookup). Default 1000. */
  reloadInterval?: number;
  resolve?: Partial<ResolveOptions>;
  lock?: LockOptions;
  /** Called after every (re)load with the lines that were skipped, so a daemon can log them. */
  onLoad?: (problems: SourceProblem[]) => void;
  /** Called when a reload fails and the previous contents stay in use. */
  onReloadError?: (err: unknown) => void;
}

/** Configuration keys the file backend reads (structurally a subset of @mail/config's Config). */
export interface FilesDirectoryConfig {
  domains: string[];
  paths: DirectoryPaths;
  mda?: { recipientDelimiter?: string };
  auth?: { reloadInterval?: number; aliasRecursionLimit?: number; aliasExpansionLimit?: number };
}

/** The file backend configured from the suite's configuration. */
export function filesDirectoryFromConfig(config: FilesDirectoryConfig): FilesDirectory {
  const resolve: Partial<ResolveOptions> = {};
  if (config.mda?.recipientDelimiter !== undefined) resolve.delimiters = config.mda.recipientDelimiter;
  if (config.auth?.aliasRecursionLimit !== undefined) resolve.recursionLimit = config.auth.aliasRecursionLimit;
  if (config.auth?.aliasExpansionLimit !== undefined) resolve.expansionLimit = config.auth.aliasExpansionLimit;
  const options: FilesDirectoryOptions = { paths: config.paths, configDomains: config.domains, resolve };
  if (config.auth?.reloadInterval !== undefined) options.reloadInterval = config.auth.reloadInterval;
  return new FilesDirectory(options);
}

const USERS_MODE = 0o640;
const TABLE_MODE = 0o644;

export class FilesDirectory extends DirectoryBase implements WritableDirectory {
  private readonly paths: DirectoryPaths;
  private readonly configDomains: string[];
  private readonly reloadInterval: number;
  private readonly lockOptions: LockOptions;
  private readonly onLoad: ((problems: SourceProblem[]) => void) | undefined;
  private readonly onReloadError: ((err: unknown) => void) | undefined;
  private current: { snapshot: Snapshot; signatures: Map<string, string>; checkedAt: number } | undefined;
  private pending: Promise<Snapshot> | undefined;

  constructor(options: FilesDirectoryOptions) {
    super({ ...DEFAULT_RESOLVE_OPTIONS, ...options.resolve });
    this.paths = options.paths;
    this.configDomains = (options.configDomains ?? []).map(parseDomain);
    this.reloadInterval = options.reloadInterval ?? 1000;
    this.lockOptions = options.lock ?? {};
    this.onLoad = options.onLoad;
    this.onReloadError = options.onReloadError;
  }

  /** The lock file every writer takes, next to the user file. */
  get lockPath(): string {
    return `${this.paths.users}.lock`;
  }

  /** Reads the files now if any of them changed since the last read. */
  async refresh(): Promise<void> {
    if (this.current) this.current.checkedAt = -Infinity;
    await this.snapshot();
  }

  protected snapshot(): Promise<Snapshot> {
    const c = this.current;
    if (c && Date.now() - c.checkedAt < this.reloadInterval) return Promise.resolve(c.snapshot);
    this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async check(): Promise<Snapshot> {
    const c = this.current;
    if (c) {
      const now = Date.now();
      const same = await Promise.all([...c.signatures].map(async ([path, sig]) => (await fileSignature(path).catch(() => 'error')) === sig));
      if (same.every(Boolean)) {
        c.checkedAt = now;
        return c.snapshot;
      }
    }
    try {
      const loaded = await loadDirectory(this.paths, this.configDomains);
      this.current = { ...loaded, checkedAt: Date.now() };
      this.onLoad?.([...loaded.snapshot.problems]);
      return loaded.snapshot;
    } catch (err) {
      // A daemon keeps serving the last good contents when a file turns unreadable; the first read must succeed.
      if (!c) throw err;
      this.onReloadError?.(err);
      c.checkedAt = Date.now();
      return c.snapshot;
    }
  }

  /** Runs one change under the writers' lock, on contents read fresh from disk. */
  private async mutate<T>(fn: (s: Snapshot) => Promise<T>): Promise<T> {
    const release = await acquireLock(this.lockPath, this.lockOptions);
    try {
      const loaded = await loadDirectory(this.paths, this.configDomains);
      const result = await fn(loaded.snapshot);
      this.current = undefined;
      return result;
    } finally {
      await release();
    }
  }

  private async editUsers(address: string, edit: (lines: string[], index: number) => string[]): Promise<void> {
    const lines = await readLines(this.paths.users);
    const entry = parsePasswdFile(lines, this.paths.users).entries.find((e) => addressKey(e.user) === addressKey(address));
    if (!entry) throw new DirectoryError('NOT_FOUND', `no account ${address} in ${this.paths.users}`);
    await writeFileAtomic(this.paths.users, joinLines(edit(lines, entry.line)), USERS_MODE);
  }

  async addAccount(input: NewAccount): Promise<Account> {
    const address = await this.mutate(async (s) => {
      const canonical = checkNewAccount(s, input);
      let extra: ExtraField[] = withQuota([], checkQuota(input.quota));
      if (input.mailbox !== undefined) extra.push(['userdb_mail', `maildir:${input.mailbox}`]);
      if (input.enabled === false) extra = withEnabled(extra, false);
      const line = formatPasswdEntry({ user: canonical, password: input.passwordHash, uid: '', gid: '', gecos: '', home: '', shell: '', extra });
      const lines = await readLines(this.paths.users);
      await writeFileAtomic(this.paths.users, joinLines([...lines, line]), USERS_MODE);
      return canonical;
    });
    return (await this.findAccount(address))!;
  }

  async updateAccount(address: string, changes: AccountChanges): Promise<Account> {
    const canonical = await this.mutate(async (s) => {
      const account = requireAccount(s, address);
      if (changes.passwordHash !== undefined) checkPasswordHash(changes.passwordHash);
      const quota = changes.quota === undefined ? undefined : checkQuota(changes.quota);
      await this.editUsers(account.address, (lines, index) => {
        const [entry] = parsePasswdFile([lines[index]!], this.paths.users).entries;
        let extra = entry!.extra;
        if (quota !== undefined) extra = withQuota(extra, quota);
        if (changes.enabled !== undefined) extra = withEnabled(extra, changes.enabled);
        const password = changes.passwordHash ?? entry!.password;
        return spliceLines(lines, index, index + 1, [formatPasswdEntry({ ...entry!, password, extra })]);
      });
      return account.address;
    });
    return (await this.findAccount(canonical))!;
  }

  async removeAccount(address: string): Promise<void> {
    await this.mutate(async (s) => {
      const account = requireAccount(s, address);
      await this.editUsers(account.address, (lines, index) => spliceLines(lines, index, index + 1, []));
    });
  }

  async addDomain(name: string, kind: DomainKind = 'local'): Promise<void> {
    const domain = parseDomain(name);
    await this.mutate(async (s) => {
      if (s.domains.has(domain)) throw new DirectoryError('EXISTS', `domain ${domain} exists already`);
      const lines = await readLines(this.paths.domains);
      await writeFileAtomic(this.paths.domains, joinLines([...lines, formatDomainLine(domain, kind)]), TABLE_MODE);
    });
  }

  async removeDomain(name: string): Promise<void> {
    const domain = parseDomain(name);
    await this.mutate(async (s) => {
      const known = s.domains.get(domain);
      if (!known) throw new DirectoryError('NOT_FOUND', `no domain ${domain}`);
      if (known.source === 'config') throw new DirectoryError('READ_ONLY', `${domain} is listed in the configuration's domains; remove it there`);
      const busy = domainInUse(s, domain);
      if (busy) throw new DirectoryError('IN_USE', busy);
      const lines = await readLines(this.paths.domains);
      const entry = parseDomainsFile(lines, this.paths.domains).entries.find((d) => d.name === domain);
      if (entry) await writeFileAtomic(this.paths.domains, joinLines(spliceLines(lines, entry.line, entry.line + 1, [])), TABLE_MODE);
      const vlines = await readLines(this.paths.virtual);
      const decl = parseVirtualMap(vlines, this.paths.virtual).aliasDomains.filter((d) => d.name === domain).map((d) => d.line);
      if (decl.length) await writeFileAtomic(this.paths.virtual, joinLines(vlines.filter((_, i) => !decl.includes(i))), TABLE_MODE);
    });
  }

  async addAlias(source: string, targets: string[]): Promise<string[]> {
    return this.mutate(async (s) => {
      const { pattern, key } = checkAliasSource(s, source);
      const add = checkAliasTargets(targets);
      const lines = await readLines(this.paths.virtual);
      const entry = parseVirtualMap(lines, this.paths.virtual).entries.find((e) => e.key === key);
      const merged = entry ? [...entry.targets] : [];
      for (const t of add) if (!merged.some((m) => addressKey(m) === addressKey(t))) merged.push(t);
      const line = formatVirtualEntry(entry?.pattern ?? pattern, merged);
      const next = entry ? spliceLines(lines, entry.start, entry.end, [line]) : [...lines, line];
      await writeFileAtomic(this.paths.virtual, joinLines(next), TABLE_MODE);
      return merged;
    });
  }

  async removeAlias(source: string, target?: string): Promise<void> {
    const key = virtualKey(source.trim());
    if (!key) throw new DirectoryError('INVALID_ADDRESS', `'${source}' is neither local@domain nor @domain`);
    await this.mutate(async () => {
      const lines = await readLines(this.paths.virtual);
      const entry = parseVirtualMap(lines, this.paths.virtual).entries.find((e) => e.key === key);
      if (!entry) throw new DirectoryError('NOT_FOUND', `no alias ${source} in ${this.paths.virtual}`);
      let replacement: string[] = [];
      if (target !== undefined) {
        const rest = entry.targets.filter((t) => addressKey(t) !== addressKey(target));
        if (rest.length === entry.targets.length) throw new DirectoryError('NOT_FOUND', `${source} has no target ${target}`);
        if (rest.length) replacement = [formatVirtualEntry(entry.pattern, rest)];
      }
      await writeFileAtomic(this.paths.virtual, joinLines(spliceLines(lines, entry.start, entry.end, replacement)), TABLE_MODE);
    });
  }
}

