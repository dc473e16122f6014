// Reading the directory's files (users, domains, aliases, virtual map, :include: lists) into a snapshot, and the
// cheap change check (one stat per file) that decides when to read them again.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { addressKey, splitAddress } from './address.js';
import { freezeAccount, emptySnapshot, type Snapshot } from './base.js';
import { parseAliasesFile, parseIncludeFile, targetKind } from './aliases-file.js';
import { parseDomainsFile } from './domains-file.js';
import { DirectoryError, type SourceProblem } from './errors.js';
import { expandMailboxTemplate, mailboxFromExtra } from './mailbox.js';
import { isDisabled, parsePasswdFile, quotaFromExtra } from './passwd-file.js';
import { physicalLines } from './text-lines.js';
import { parseVirtualMap } from './virtual-map.js';

export interface DirectoryPaths {
  users: string;
  domains: string;
  aliases: string;
  virtual: string;
  /** Maildir template with %d %n %u. */
  mailboxes: string;
}

/** A file's identity and version: changes whenever it is replaced or written. 'missing' when absent. */
export async function fileSignature(path: string): Promise<string> {
  try {
    const st = await stat(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

/** A file's lines; a missing file is empty (a new installation has none yet). */
export async function readLines(path: string): Promise<string[]> {
  try {
    return physicalLines(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new DirectoryError('IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export interface Loaded {
  snapshot: Snapshot;
  /** path → signature taken before reading, for every file the snapshot depends on. */
  signatures: Map<string, string>;
}

const INCLUDE_DEPTH = 5;

/** Reads every file. Signatures are taken before the contents so that a write racing the read is noticed later. */
export async function loadDirectory(paths: DirectoryPaths, configDomains: readonly string[]): Promise<Loaded> {
  const signatures = new Map<string, string>();
  const read = async (path: string): Promise<string[]> => {
    signatures.set(path, await fileSignature(path));
    return readLines(path);
  };
  const [users, domains, aliases, virtual] = await Promise.all([read(paths.users), read(paths.domains), read(paths.aliases), read(paths.virtual)]);
  const s = emptySnapshot();
  const problems: SourceProblem[] = s.problems;

  for (const name of configDomains) s.domains.set(name, { name, kind: 'local', source: 'config' });
  const parsedDomains = parseDomainsFile(domains, paths.domains);
  problems.push(...parsedDomains.problems);
  for (const d of parsedDomains.entries) if (!s.domains.has(d.name)) s.domains.set(d.name, { name: d.name, kind: d.kind, source: 'file' });

  const parsedVirtual = parseVirtualMap(virtual, paths.virtual);
  problems.push(...parsedVirtual.problems);
  for (const d of parsedVirtual.aliasDomains) if (!s.domains.has(d.name)) s.domains.set(d.name, { name: d.name, kind: 'alias', source: 'virtual' });
  for (const e of parsedVirtual.entries) {
    s.virtual.set(e.key, e.targets);
    s.aliasEntries.push({ source: e.pattern, targets: e.targets, map: 'virtual' });
  }

  const parsedAliases = parseAliasesFile(aliases, paths.aliases);
  problems.push(...parsedAliases.problems);
  for (const e of parsedAliases.entries) {
    const targets: string[] = [];
    const expand = async (list: string[], depth: number, seen: Set<string>): Promise<void> => {
      for (const t of list) {
        if (targetKind(t) !== 'include') {
          targets.push(t);
          continue;
        }
        const file = t.slice(':include:'.length).trim();
        const where = { file: paths.aliases, line: e.line + 1 };
        if (!isAbsolute(file)) problems.push({ ...where, message: `${e.name}: ${t}: the include path must be absolute` });
        else if (depth >= INCLUDE_DEPTH || seen.has(file)) problems.push({ ...where, message: `${e.name}: ${t}: includes nest too deep or loop` });
        else {
          try {
            await expand(parseIncludeFile(await read(file)), depth + 1, new Set(seen).add(file));
          } catch (err) {
            problems.push({ ...where, message: `${e.name}: ${(err as Error).message}` });
          }
        }
      }
    };
    await expand(e.targets, 0, new Set());
    const usable = targets.filter((t) => {
      const kind = targetKind(t);
      if (kind === 'address') return true;
      problems.push({ file: paths.aliases, line: e.line + 1, message: `${e.name}: '${t}' in an included list is not supported; ignored` });
      return false;
    });
    if (!usable.length) continue;
    s.aliases.set(e.name, usable);
    s.aliasEntries.push({ source: e.name, targets: usable, map: 'aliases' });
  }

  const parsedUsers = parsePasswdFile(users, paths.users);
  problems.push(...parsedUsers.problems);
  for (const e of parsedUsers.entries) {
    const report = (message: string) => problems.push({ file: paths.users, line: e.line + 1, message: `${e.user}: ${message}` });
    const parts = splitAddress(e.user);
    if (!parts) {
      report('the user name must be a full address (local@domain)');
      continue;
    }
    const address = `${parts.local}@${parts.domain.toLowerCase()}`;
    const key = addressKey(address);
    if (s.accounts.has(key)) {
      report('duplicate user ignored (the first entry applies)');
      continue;
    }
    const vars = { address, local: parts.local, domain: parts.domain.toLowerCase(), home: e.home };
    let mailbox: string | null = null;
    try {
      mailbox = mailboxFromExtra(e.extra, vars);
    } catch (err) {
      report(`${(err as Error).message}; the configured mailbox template applies`);
    }
    s.accounts.set(
      key,
      freezeAccount({
        address,
        passwordHash: e.password,
        mailbox: mailbox ?? expandMailboxTemplate(paths.mailboxes, vars),
        quota: quotaFromExtra(e.extra, report),
        enabled: !isDisabled(e.extra),
      }),
    );
    if (s.domains.get(vars.domain)?.kind !== 'local') report(`${vars.domain} is not a local domain: the account can log in but receives no mail`);
  }
  return { snapshot: s, signatures };
}
