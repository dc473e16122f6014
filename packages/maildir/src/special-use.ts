// Special-use folders (RFC 6154): the configured default names (created on first use), and the uses an account
// gave folders itself (IMAP CREATE-SPECIAL-USE), kept in "mailsuite-specialuse" in the Maildir root: one line per
// folder, "<use>\t<name>", the name's levels in modified UTF-7 separated by tabs as in Dovecot's subscriptions file.
import { join } from 'node:path';
import { SPECIAL_USES, type SpecialUse } from './api.js';
import { SpecialUseError } from './errors.js';
import type { HierarchySeparator } from './folder-names.js';
import { encodeMutf7 } from './mutf7.js';
import { RecordFile } from './record-file.js';
import { decodeLevel, tabEscape, tabUnescape } from './subscriptions.js';

export const DEFAULT_SPECIAL_USE: Readonly<Record<SpecialUse, string>> = {
  '\\Sent': 'Sent',
  '\\Drafts': 'Drafts',
  '\\Trash': 'Trash',
  '\\Junk': 'Junk',
  '\\Archive': 'Archive',
};

export const SPECIAL_USE_FILE = 'mailsuite-specialuse';

/** A folder name and the special use the account gave it. */
export type SpecialUseAssignment = readonly [name: string, use: SpecialUse];

export function isSpecialUse(value: string): value is SpecialUse {
  return (SPECIAL_USES as readonly string[]).includes(value);
}

/**
 * The special use of each existing folder: what the account assigned comes first (one folder per use, the first
 * listed); a configured default name has its use only while no existing folder was given that use.
 */
export function effectiveSpecialUse(configured: ReadonlyMap<SpecialUse, string>, assigned: readonly SpecialUseAssignment[], exists: (name: string) => boolean): Map<string, SpecialUse> {
  const byName = new Map<string, SpecialUse>();
  const taken = new Set<SpecialUse>();
  for (const [name, use] of assigned) {
    if (taken.has(use) || byName.has(name) || !exists(name)) continue;
    byName.set(name, use);
    taken.add(use);
  }
  for (const [use, name] of configured) if (!taken.has(use) && !byName.has(name)) byName.set(name, use);
  return byName;
}

/**
 * Checks that `uses` can be given to a new folder: one use, of the kinds a folder can hold (not the virtual
 * \All and \Flagged), that no existing folder has (`current` from effectiveSpecialUse). SpecialUseError otherwise.
 */
export function checkNewSpecialUse(uses: readonly string[], current: ReadonlyMap<string, SpecialUse>, exists: (name: string) => boolean): SpecialUse | undefined {
  if (uses.length === 0) return undefined;
  if (uses.length > 1) throw new SpecialUseError(uses.join(' '), 'a folder has at most one special use');
  const use = uses[0] as string;
  if (!isSpecialUse(use)) throw new SpecialUseError(use, 'this special use is not supported');
  for (const [name, u] of current) if (u === use && exists(name)) throw new SpecialUseError(use, `the folder ${JSON.stringify(name)} has this special use`);
  return use;
}

export function parseSpecialUseFile(text: string, separator: HierarchySeparator): SpecialUseAssignment[] {
  const out: SpecialUseAssignment[] = [];
  for (const line of text.split('\n')) {
    const [use, ...levels] = line.split('\t');
    if (use === undefined || !isSpecialUse(use) || levels.length === 0) continue;
    out.push([levels.map((l) => decodeLevel(tabUnescape(l))).join(separator), use]);
  }
  return out;
}

export function formatSpecialUseFile(assignments: readonly SpecialUseAssignment[], separator: HierarchySeparator): string {
  return assignments.map(([name, use]) => `${use}\t${name.split(separator).map((l) => tabEscape(encodeMutf7(l))).join('\t')}\n`).join('');
}

/** One account's special-use assignments; changes go through a dot-lock and a rename, as the subscriptions do. */
export class SpecialUseFile extends RecordFile<SpecialUseAssignment> {
  constructor(root: string, separator: HierarchySeparator) {
    super(join(root, SPECIAL_USE_FILE), (text) => parseSpecialUseFile(text, separator), (records) => formatSpecialUseFile(records, separator));
  }

  /** Drops the assignments of deleted folders and carries those of renamed ones ([old, new] pairs) along. */
  async forget(deleted: readonly string[], renamed: ReadonlyArray<readonly [string, string]> = []): Promise<void> {
    const to = new Map(renamed);
    const gone = new Set(deleted);
    await this.update(async (current) => {
      if (!current.some(([name]) => gone.has(name) || to.has(name))) return null;
      return current.filter(([name]) => !gone.has(name)).map(([name, use]): SpecialUseAssignment => [to.get(name) ?? name, use]);
    });
  }
}
