// LIST for a Maildir++ account: folders on disk, implied parents (\Noselect), children, subscriptions and special use.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FolderInfo, ListOptions, SpecialUse } from './api.js';
import { isErrno } from './errors.js';
import { folderNameFromDir, parentNames, type HierarchySeparator } from './folder-names.js';
import { compilePattern, joinReference } from './pattern.js';

/**
 * Names of all folders under `root` (INBOX included), from the Maildir++ directories Dovecot would
 * list. Symbolic links are not followed: a folder is a real directory inside the account's tree.
 */
export async function existingFolders(root: string, separator: HierarchySeparator): Promise<Map<string, string>> {
  const out = new Map<string, string>([['INBOX', '']]);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return out;
    throw err;
  }
  for (const entry of entries) {
    if (!entry.name.startsWith('.')) continue;
    let isDir = entry.isDirectory();
    const unknownType = !isDir && !entry.isFile() && !entry.isSymbolicLink() && !entry.isFIFO() && !entry.isSocket() && !entry.isBlockDevice() && !entry.isCharacterDevice();
    // Some file systems do not report entry types: ask lstat() then.
    if (unknownType) isDir = await lstat(join(root, entry.name)).then((s) => s.isDirectory(), () => false);
    if (!isDir) continue;
    const name = folderNameFromDir(entry.name, separator);
    if (name !== null) out.set(name, entry.name);
  }
  return out;
}

/** True when some folder lies below `name`. */
export function hasChildren(name: string, names: Iterable<string>, separator: HierarchySeparator): boolean {
  const prefix = name + separator;
  for (const n of names) if (n.startsWith(prefix)) return true;
  return false;
}

export interface ListInput {
  existing: ReadonlySet<string>;
  subscribed: ReadonlySet<string>;
  specialUse: ReadonlyMap<string, SpecialUse>;
  separator: HierarchySeparator;
}

function sortNames(a: string, b: string): number {
  if (a === 'INBOX') return b === 'INBOX' ? 0 : -1;
  if (b === 'INBOX') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Evaluates a LIST (or LSUB-like, with subscribedOnly) over known names. Pure: the store supplies the sets. */
export function listFolders(input: ListInput, reference: string, pattern: string, options: ListOptions = {}): FolderInfo[] {
  if (pattern === '') return [];
  const { existing, subscribed, specialUse, separator } = input;
  const match = compilePattern(joinReference(reference, pattern, separator), separator);
  const universe = new Set<string>();
  const base = options.subscribedOnly ? subscribed : existing;
  for (const name of base) {
    universe.add(name);
    for (const parent of parentNames(name, separator)) universe.add(parent);
  }
  const out: FolderInfo[] = [];
  for (const name of [...universe].sort(sortNames)) {
    if (!match(name)) continue;
    const exists = existing.has(name);
    const isSubscribed = subscribed.has(name);
    if (options.subscribedOnly && !isSubscribed && !hasChildren(name, subscribed, separator)) continue;
    const attributes: string[] = [];
    if (!exists) attributes.push('\\Noselect', '\\NonExistent');
    attributes.push(hasChildren(name, existing, separator) ? '\\HasChildren' : '\\HasNoChildren');
    if (isSubscribed) attributes.push('\\Subscribed');
    const use = exists ? specialUse.get(name) : undefined;
    if (use) attributes.push(use);
    const info: FolderInfo = { name, attributes, subscribed: isSubscribed, selectable: exists };
    if (use) info.specialUse = use;
    out.push(info);
  }
  return out;
}
