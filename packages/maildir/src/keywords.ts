// dovecot-keywords: the per-folder map of keyword names to the Maildir letters a–z ("<index> <name>" lines).
import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, KeywordLimitError } from './errors.js';
import { statNow, statOrNull, unlinkIfExists } from './fsutil.js';
import { acquireDotlock } from './lock.js';

export const KEYWORDS_NAME = 'dovecot-keywords';
export const MAX_KEYWORDS = 26;

/** Parses dovecot-keywords text into 26 slots; malformed lines are skipped, as Dovecot does. */
export function parseKeywords(text: string): Array<string | undefined> {
  const slots: Array<string | undefined> = new Array(MAX_KEYWORDS).fill(undefined);
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const idxText = line.slice(0, space);
    if (!/^\d+$/.test(idxText)) continue;
    const idx = Number(idxText);
    const name = line.slice(space + 1);
    if (idx >= MAX_KEYWORDS || name.length === 0) continue;
    slots[idx] = name;
  }
  return slots;
}

/** Formats slots as Dovecot writes them: "<index> <name>\n" for every used slot. */
export function formatKeywords(slots: ReadonlyArray<string | undefined>): string {
  let out = '';
  slots.forEach((name, i) => {
    if (name !== undefined) out += `${i} ${name}\n`;
  });
  return out;
}

/** The keyword letters of one folder, cached and re-read when the file's mtime changes. */
export class KeywordMap {
  readonly path: string;
  private slots: Array<string | undefined> = new Array(MAX_KEYWORDS).fill(undefined);
  private mtimeMs = -1;

  constructor(dir: string) {
    this.path = join(dir, KEYWORDS_NAME);
  }

  /** Re-reads the file when it changed; returns true when the mapping may differ. */
  async refresh(): Promise<boolean> {
    const st = statNow(this.path);
    const mtime = st ? Number(st.mtimeMs) : 0;
    if (mtime === this.mtimeMs) return false;
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    this.slots = parseKeywords(text);
    this.mtimeMs = mtime;
    return true;
  }

  /** The keyword a letter stands for; Dovecot names lost letters "unknown-<n>". */
  nameOf(letter: string): string {
    const idx = letter.charCodeAt(0) - 0x61;
    return this.slots[idx] ?? `unknown-${idx}`;
  }

  /** Names of the keyword letters in `letters`, in letter order. */
  namesOf(letters: string): string[] {
    const out: string[] = [];
    for (const c of letters) if (c >= 'a' && c <= 'z') out.push(this.nameOf(c));
    return out;
  }

  /** The letter of an existing keyword (case-insensitive, like Dovecot), or undefined. */
  letterOf(name: string): string | undefined {
    const lower = name.toLowerCase();
    const idx = this.slots.findIndex((s) => s !== undefined && s.toLowerCase() === lower);
    return idx < 0 ? undefined : String.fromCharCode(0x61 + idx);
  }

  /**
   * Letters for `names`, adding missing ones to the file. The caller holds the folder's
   * dovecot-uidlist lock, which is what guards dovecot-keywords in Dovecot too.
   */
  async lettersFor(names: readonly string[]): Promise<string> {
    if (names.length === 0) return ''; // nothing to look up: no stat of the keywords file
    await this.refresh();
    let changed = false;
    let out = '';
    for (const name of names) {
      let letter = this.letterOf(name);
      if (letter === undefined) {
        const free = this.slots.findIndex((s) => s === undefined);
        if (free < 0) throw new KeywordLimitError(name);
        this.slots[free] = name;
        letter = String.fromCharCode(0x61 + free);
        changed = true;
      }
      out += letter;
    }
    if (changed) await this.write();
    return out;
  }

  private async write(): Promise<void> {
    // Dovecot removes a leftover lock first: the uidlist lock already excludes other writers.
    await unlinkIfExists(`${this.path}.lock`);
    const previousSec = Math.floor(this.mtimeMs / 1000);
    const lock = await acquireDotlock(this.path, { staleMs: 120_000, timeoutMs: 5000 });
    await lock.replace(formatKeywords(this.slots));
    let st = await statOrNull(this.path);
    // Dovecot notices changes by the whole-second mtime, so it must grow on every write.
    if (st && Math.floor(Number(st.mtimeMs) / 1000) <= previousSec) {
      const bumped = new Date((previousSec + 1) * 1000);
      await utimes(this.path, bumped, bumped);
      st = await statOrNull(this.path);
    }
    this.mtimeMs = st ? Number(st.mtimeMs) : -1;
  }
}
