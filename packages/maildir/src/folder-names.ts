// Folder names: validation of client names and their mapping to Dovecot's default Maildir++ directory names.
import { MailboxNameError } from './errors.js';
import { decodeMutf7, encodeMutf7, isWellFormed } from './mutf7.js';

/** The hierarchy separator clients see. On disk Maildir++ always uses ".". */
export type HierarchySeparator = '/' | '.';

/** Directory name Dovecot renames a folder to while deleting it; never listed. */
export const TRASH_DIR = '.DOVECOT-TRASHED';

/** Longest directory name (NAME_MAX), longest component and longest whole name accepted. */
const MAX_DIR_BYTES = 255;
const MAX_NAME_CHARS = 1024;

/** Component names refused anywhere in a folder name: they are the Maildir subdirectories. */
const RESERVED = new Set(['tmp', 'new', 'cur']);

/** True when `name` is INBOX in any letter case. */
export function isInbox(name: string): boolean {
  return name.length === 5 && name.toUpperCase() === 'INBOX';
}

/**
 * Checks a folder name as a client writes it (UTF-8, with `separator` between levels) and returns its
 * canonical form: "INBOX" in upper case, otherwise unchanged. Refuses names that Dovecot's Maildir++ layout
 * cannot store or that could escape the account root: empty levels, "." / "..", a leading "~",
 * "/" (or "." when the separator is "/"), NUL and control characters, broken Unicode, the reserved
 * names tmp/new/cur, and names whose directory would be longer than 255 bytes.
 */
export function normalizeFolderName(name: string, separator: HierarchySeparator): string {
  if (typeof name !== 'string' || name.length === 0) throw new MailboxNameError(String(name), 'empty');
  if (name.length > MAX_NAME_CHARS) throw new MailboxNameError(name.slice(0, 64), 'too long');
  if (isInbox(name)) return 'INBOX';
  if (!isWellFormed(name)) throw new MailboxNameError(name, 'broken Unicode');
  const levels = name.split(separator);
  if (levels[0] !== undefined && isInbox(levels[0])) levels[0] = 'INBOX';
  for (const level of levels) checkLevel(name, level, separator);
  const canonical = levels.join(separator);
  if (Buffer.byteLength(folderDirName(canonical, separator)) > MAX_DIR_BYTES) throw new MailboxNameError(name, 'too long for a Maildir++ directory');
  return canonical;
}

function checkLevel(name: string, level: string, separator: HierarchySeparator): void {
  if (level.length === 0) throw new MailboxNameError(name, 'empty hierarchy level (leading, trailing or doubled separator)');
  if (level === '.' || level === '..') throw new MailboxNameError(name, 'a level may not be "." or ".."');
  if (level.startsWith('~')) throw new MailboxNameError(name, 'a level may not start with "~"');
  if (RESERVED.has(level)) throw new MailboxNameError(name, `"${level}" is reserved`);
  if (level === TRASH_DIR.slice(1)) throw new MailboxNameError(name, `"${level}" is reserved`);
  for (const ch of level) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) throw new MailboxNameError(name, 'control character');
    if (ch === '/') throw new MailboxNameError(name, '"/" is not allowed in a folder name');
    if (ch === '.' && separator === '/') throw new MailboxNameError(name, '"." is not allowed in a folder name (Maildir++ uses it between levels)');
  }
  if (Buffer.byteLength(encodeMutf7(level)) > MAX_DIR_BYTES) throw new MailboxNameError(name, 'level too long');
}

/** Splits a canonical name into its levels. */
export function folderLevels(name: string, separator: HierarchySeparator): string[] {
  return name.split(separator);
}

/** Maildir++ directory of a canonical folder name: "" for INBOX (the root), ".Level1.Level2" (modified UTF-7) otherwise. */
export function folderDirName(name: string, separator: HierarchySeparator): string {
  if (name === 'INBOX') return '';
  return '.' + name.split(separator).map(encodeMutf7).join('.');
}

/**
 * The folder name a Maildir++ directory entry stands for, or null when the entry is not a folder
 * Dovecot would list (no leading dot, ".", "..", the trash directory, empty levels, bad modified UTF-7,
 * or a name this package would refuse to create).
 */
export function folderNameFromDir(entry: string, separator: HierarchySeparator): string | null {
  if (!entry.startsWith('.') || entry === '.' || entry === '..' || entry === TRASH_DIR) return null;
  const levels = entry.slice(1).split('.');
  try {
    const decoded = levels.map(decodeMutf7);
    if (decoded.some((l) => l.length === 0 || (separator === '.' && l.includes('/')) || l.includes(separator))) return null;
    const name = normalizeFolderName(decoded.join(separator), separator);
    return name === 'INBOX' ? null : name;
  } catch {
    return null;
  }
}

/** The parent names of a folder, outermost first: "a/b/c" → ["a", "a/b"]. */
export function parentNames(name: string, separator: HierarchySeparator): string[] {
  const levels = name.split(separator);
  const out: string[] = [];
  for (let i = 1; i < levels.length; i++) out.push(levels.slice(0, i).join(separator));
  return out;
}
