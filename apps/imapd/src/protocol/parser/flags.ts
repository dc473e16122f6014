// Message flags in commands (RFC 9051 §2.3.2, flag / flag-keyword / flag-list): system flags by canonical name.
import type { Reader } from './reader.js';

/** System flags a client may set, by upper-case name. \Recent is server-managed and cannot be stored. */
const SYSTEM_FLAGS = new Map(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map((f) => [f.toUpperCase(), f]));

/** flag = "\" system-flag-name / keyword atom; system flags come back in canonical case ("\seen" → "\Seen"). */
export function readFlag(r: Reader): string {
  if (r.tryByte(0x5c)) {
    const name = `\\${r.atom('flag name')}`;
    const canonical = SYSTEM_FLAGS.get(name.toUpperCase());
    if (!canonical) r.fail(name.toUpperCase() === '\\RECENT' ? '\\Recent cannot be set by clients' : 'Unknown system flag');
    return canonical;
  }
  return r.atom('flag');
}

/** flag-list = "(" [flag *(SP flag)] ")". */
export function readFlagList(r: Reader): string[] {
  return r.list(() => readFlag(r), true, 'flag list');
}

/** A keyword (flag-keyword: atom), for SEARCH KEYWORD/UNKEYWORD. */
export function readKeyword(r: Reader): string {
  if (r.peek() === 0x5c) r.fail('Expected a keyword, not a system flag');
  return r.atom('keyword');
}
