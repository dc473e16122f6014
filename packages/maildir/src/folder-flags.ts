// Flag changes on Maildir messages: new letters in the file name (rename), one new mod-sequence per command.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { FlagMode, FlagState } from './api.js';
import { isErrno } from './errors.js';
import { withFlags, parseMaildirName, sortLetters } from './filename.js';
import { FORWARDED_KEYWORD, lettersOf, type FlagSet } from './flags.js';
import type { FolderIndex, MessageRecord } from './folder-index.js';
import { toFlagState } from './internal.js';
import type { ModseqLine } from './modseq.js';

const KNOWN = /[DFPRSTa-z]/;

/** The known letters (D F P R S T a–z) of a letter string, sorted. */
export function knownLetters(letters: string): string {
  return sortLetters([...letters].filter((c) => KNOWN.test(c)).join(''));
}

/** Applies an IMAP STORE to the known letters of a message. */
export function applyFlagChange(current: string, mode: FlagMode, system: string, keywords: string, dropPassed: boolean): string {
  const known = new Set(knownLetters(current));
  if (mode === 'replace') {
    known.clear();
    for (const c of system + keywords) known.add(c);
  } else if (mode === 'add') {
    for (const c of system + keywords) known.add(c);
  } else {
    for (const c of system + keywords) known.delete(c);
    if (dropPassed) known.delete('P');
  }
  return sortLetters([...known].join(''));
}

/**
 * True when a STORE would rename no file and log nothing, judged on the index as it is: every message already
 * has what is asked (or is not there), every keyword to add already has a letter, and none is excluded by
 * UNCHANGEDSINCE. Such a STORE needs neither the folder lock nor a new mod-sequence.
 */
export function changesNothing(index: FolderIndex, uids: readonly number[], mode: FlagMode, set: FlagSet, unchangedSince: number | undefined): boolean {
  const system = lettersOf(set.system);
  let keywordLetters = '';
  for (const k of set.keywords) {
    const letter = index.keywords.letterOf(k);
    if (letter === undefined && mode !== 'remove') return false;
    keywordLetters += letter ?? '';
  }
  const forwarded = mode === 'remove' && set.keywords.some((k) => k.toLowerCase() === FORWARDED_KEYWORD.toLowerCase());
  for (const uid of uids) {
    const rec = index.get(uid);
    if (!rec) continue;
    if (unchangedSince !== undefined && rec.modseq > unchangedSince) return false;
    if (!isUnchanged(rec, applyFlagChange(rec.letters, mode, system, keywordLetters, forwarded))) return false;
  }
  return true;
}

/** A message keeps its file when its known letters stay the same and it is in cur/ (or stays without flags in new/). */
function isUnchanged(rec: MessageRecord, next: string): boolean {
  return next === knownLetters(rec.letters) && (rec.dir === 'cur' || next === '');
}

export interface FlagUpdate {
  updated: FlagState[];
  modified: number[];
}

/**
 * Changes flags of `uids` under the folder lock: renames each file, then logs one new mod-sequence for
 * all of them. A file renamed by someone else meanwhile is looked up again once.
 */
export async function updateFlags(index: FolderIndex, uids: readonly number[], mode: FlagMode, set: FlagSet, unchangedSince: number | undefined): Promise<FlagUpdate> {
  const system = lettersOf(set.system);
  const forwarded = set.keywords.some((k) => k.toLowerCase() === FORWARDED_KEYWORD.toLowerCase());
  let keywordLetters: string;
  if (mode === 'remove') {
    keywordLetters = set.keywords.map((k) => index.keywords.letterOf(k) ?? '').join('');
  } else {
    keywordLetters = await index.keywords.lettersFor(set.keywords);
  }
  const modseq = index.modseqLog.highest + 1;
  const lines: ModseqLine[] = [];
  const changed: number[] = [];
  const modified: number[] = [];
  let retry: number[] = [];
  const attempt = async (rec: MessageRecord): Promise<boolean> => {
    if (unchangedSince !== undefined && rec.modseq > unchangedSince) {
      modified.push(rec.uid);
      return true;
    }
    const next = applyFlagChange(rec.letters, mode, system, keywordLetters, mode === 'remove' && forwarded);
    if (isUnchanged(rec, next)) return true;
    const name = withFlags(rec.filename, next);
    try {
      renameSync(join(index.path, rec.dir, rec.filename), join(index.path, 'cur', name)); // one quick call; see lock.ts
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
    index.noteMoved(rec.base, 'cur', name);
    const entry = index.modseqLog.get(rec.uid);
    const line: ModseqLine = { kind: 'set', uid: rec.uid, modseq, internalDate: rec.internalDate, letters: parseMaildirName(name).letters };
    if (entry?.size !== undefined && entry.vsize !== undefined) {
      line.size = entry.size;
      line.vsize = entry.vsize;
    }
    if (next !== knownLetters(rec.letters)) {
      lines.push(line);
      changed.push(rec.uid);
    } else {
      lines.push({ ...line, modseq: entry?.modseq ?? rec.modseq });
    }
    return true;
  };
  for (const uid of uids) {
    const rec = index.get(uid);
    if (rec && !(await attempt(rec))) retry.push(uid);
  }
  if (retry.length > 0) {
    await index.rescan();
    const again = retry;
    retry = [];
    for (const uid of again) {
      const rec = index.get(uid);
      if (rec) await attempt(rec);
    }
  }
  // Not synced, like the renames themselves (Dovecot's mail_fsync=optimized does not sync flag changes either):
  // a power failure can undo a flag change, never lose mail, and mod-sequences never go back (see FolderIndex).
  await index.modseqLog.append(lines, false);
  index.applyNoted();
  const updated: FlagState[] = [];
  for (const uid of changed) {
    const rec = index.get(uid);
    if (rec) updated.push(toFlagState(index, rec));
  }
  return { updated, modified };
}

