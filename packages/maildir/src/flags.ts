// IMAP flags and their Maildir letters: D Draft, F Flagged, P Passed, R Replied, S Seen, T Trashed; keywords become a–z.
import { InvalidFlagError } from './errors.js';

export const SYSTEM_FLAGS = ['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

/** The keyword the Maildir "P" (passed) letter is shown as. Written back as a keyword letter so Dovecot sees it too. */
export const FORWARDED_KEYWORD = '$Forwarded';

const LETTER_OF: Record<SystemFlag, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };
const FLAG_OF: Record<string, SystemFlag> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };
const BY_LOWER = new Map<string, SystemFlag>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));

/** The canonical spelling of a system flag (matching is case-insensitive), or undefined. */
export function systemFlag(flag: string): SystemFlag | undefined {
  return BY_LOWER.get(flag.toLowerCase());
}

/** Characters RFC 3501 allows in an atom (and so in a keyword): no CTL, SP, ( ) { % * " \ ]. */
export function isValidKeyword(keyword: string): boolean {
  if (keyword.length === 0 || keyword.length > 255) return false;
  for (const ch of keyword) {
    const c = ch.charCodeAt(0);
    if (c <= 0x20 || c >= 0x7f || '(){%*"\\]'.includes(ch)) return false;
  }
  return true;
}

export interface FlagSet {
  system: Set<SystemFlag>;
  /** Keywords in the order given, duplicates (case-insensitive) removed. */
  keywords: string[];
}

/** Splits client flags into system flags and keywords; refuses \Recent, unknown system flags and malformed keywords. */
export function parseFlags(flags: readonly string[]): FlagSet {
  const system = new Set<SystemFlag>();
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const flag of flags) {
    if (flag.startsWith('\\')) {
      const sys = systemFlag(flag);
      if (sys) system.add(sys);
      else if (flag.toLowerCase() === '\\recent') throw new InvalidFlagError(flag, '\\Recent is set by the server only');
      else throw new InvalidFlagError(flag, 'unknown system flag');
      continue;
    }
    if (!isValidKeyword(flag)) throw new InvalidFlagError(flag, 'not a valid keyword atom');
    const lower = flag.toLowerCase();
    if (!seen.has(lower)) {
      seen.add(lower);
      keywords.push(flag);
    }
  }
  return { system, keywords };
}

/** System flags in a letter string, in the fixed order of SYSTEM_FLAGS. */
export function systemFlagsOf(letters: string): SystemFlag[] {
  const set = new Set<SystemFlag>();
  for (const c of letters) {
    const f = FLAG_OF[c];
    if (f) set.add(f);
  }
  return SYSTEM_FLAGS.filter((f) => set.has(f));
}

/** Letters D F R S T for a set of system flags, sorted. */
export function lettersOf(flags: Iterable<SystemFlag>): string {
  return [...new Set([...flags].map((f) => LETTER_OF[f]))].sort().join('');
}

/** Keyword letters (a–z) in a letter string. */
export function keywordLettersOf(letters: string): string {
  let out = '';
  for (const c of letters) if (c >= 'a' && c <= 'z') out += c;
  return out;
}

/** True when the letters carry the Maildir "P" (passed/forwarded) flag. */
export function hasPassed(letters: string): boolean {
  return letters.includes('P');
}
