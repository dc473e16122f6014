// Reading a Maildir folder's new/ and cur/ without being fooled by concurrent renames: only changed directories, re-read until stable.
import { statSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, MailboxNotFoundError } from './errors.js';
import { parseMaildirName, type MaildirName } from './filename.js';

export type SubDir = 'new' | 'cur';
export const SUBDIRS: readonly SubDir[] = ['new', 'cur'];

export interface ListedFile {
  dir: SubDir;
  name: string;
  parsed: MaildirName;
}

export function listed(dir: SubDir, name: string): ListedFile {
  return { dir, name, parsed: parseMaildirName(name) };
}

/** The base of a file name (the part before ":"), cheaply. */
export function baseOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

export type Mtimes = Record<SubDir, number>;

export async function statDirs(path: string): Promise<Mtimes> {
  try {
    // Synchronous, as in line-file.ts: two local stat() calls before every folder operation.
    const [a, b] = [statSync(join(path, 'new')), statSync(join(path, 'cur'))];
    return { new: Number(a.mtimeMs), cur: Number(b.mtimeMs) };
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw new MailboxNotFoundError(path);
    throw err;
  }
}

/** Names in one subdirectory, without temporary dot files and names Dovecot would ignore too. */
export async function readNames(path: string, dir: SubDir): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(path, dir));
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw new MailboxNotFoundError(path);
    throw err;
  }
  return names.filter((n) => !n.startsWith('.') && !n.includes('\n') && !n.includes('\r') && !n.includes('/'));
}

export interface ScanResult {
  /** Names per subdirectory that was read. */
  names: Partial<Record<SubDir, string[]>>;
  mtimes: Mtimes;
}

/**
 * Reads the subdirectories in `want` (new/ before cur/, so a file moved from new/ to cur/ meanwhile is
 * seen at least once), repeating while any directory's mtime moves during the read; a directory whose
 * mtime moved although we did not plan to read it is read as well.
 */
export async function scanDirs(path: string, want: Record<SubDir, boolean>, known: Mtimes): Promise<ScanResult> {
  const read = { ...want };
  let names: Partial<Record<SubDir, string[]>> = {};
  let after = known;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await statDirs(path);
    for (const d of SUBDIRS) if (before[d] !== known[d]) read[d] = true;
    names = {};
    for (const d of SUBDIRS) if (read[d]) names[d] = await readNames(path, d);
    after = await statDirs(path);
    if (SUBDIRS.every((d) => before[d] === after[d])) break;
  }
  return { names, mtimes: after };
}

/** Files left in tmp/ longer than this are from writers that died (the Maildir spec says 36 hours). */
export const TMP_MAX_AGE_MS = 36 * 3600_000;

/** Removes files older than TMP_MAX_AGE_MS from tmp/, as Dovecot does; returns how many. */
export async function cleanTmp(path: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(join(path, 'tmp'));
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    const file = join(path, 'tmp', name);
    try {
      const st = await stat(file);
      if (!st.isFile() || now - Math.max(Number(st.mtimeMs), Number(st.ctimeMs)) < TMP_MAX_AGE_MS) continue;
      await unlink(file);
      removed++;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  return removed;
}
