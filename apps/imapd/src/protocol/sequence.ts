// Sequence sets (RFC 9051 §9 sequence-set, RFC 5182 "$"): parse, resolve against a mailbox, compress for replies.
import { ImapParseError } from './errors.js';

/** A message sequence number or UID, or "*" (the largest in use). */
export type SeqNumber = number | '*';

/** One element of a set: a single number has from === to; ranges may be written in either order. */
export interface SeqRange {
  readonly from: SeqNumber;
  readonly to: SeqNumber;
}

export interface SequenceSet {
  readonly ranges: readonly SeqRange[];
  /** The set includes "$", the result saved by SEARCH RETURN (SAVE) (RFC 5182). */
  readonly saved: boolean;
}

/** Largest nz-number: sequence numbers and UIDs are unsigned 32-bit (RFC 9051 §9 nz-number). */
export const MAX_UINT32 = 4_294_967_295;

/** True for the octets a sequence set is made of, so a tokenizer can find where one ends. */
export function isSequenceSetChar(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x3a || byte === 0x2c || byte === 0x2a || byte === 0x24;
}

/** Parses `1:3,5,7:*,$`. Throws ImapParseError (without tag) on anything else. */
export function parseSequenceSet(text: string): SequenceSet {
  if (text.length === 0) throw new ImapParseError('Empty sequence set');
  const ranges: SeqRange[] = [];
  let saved = false;
  for (const element of text.split(',')) {
    if (element === '$') {
      saved = true;
      continue;
    }
    const colon = element.indexOf(':');
    if (colon < 0) {
      const n = parseSeqNumber(element);
      ranges.push({ from: n, to: n });
    } else {
      ranges.push({ from: parseSeqNumber(element.slice(0, colon)), to: parseSeqNumber(element.slice(colon + 1)) });
    }
  }
  return { ranges, saved };
}

function parseSeqNumber(text: string): SeqNumber {
  if (text === '*') return '*';
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new ImapParseError('Invalid sequence set');
  const n = Number(text);
  if (n > MAX_UINT32) throw new ImapParseError('Sequence number out of range');
  return n;
}

/** Wire form of a parsed set (ranges as written, "$" last). */
export function formatSequenceSet(set: SequenceSet): string {
  const parts = set.ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`));
  if (set.saved) parts.push('$');
  return parts.join(',');
}

/** A set of explicit numbers, compressed into ranges. */
export function sequenceSetOf(numbers: Iterable<number>): SequenceSet {
  return { ranges: runs(sortUnique(numbers)).map(([from, to]) => ({ from, to })), saved: false };
}

type Interval = [number, number];

/** Sorted, merged intervals with "*" replaced by `star`; "$" contributes `saved`. */
function intervals(set: SequenceSet, star: number, saved: readonly number[]): Interval[] {
  const list: Interval[] = [];
  for (const r of set.ranges) {
    const a = r.from === '*' ? star : r.from;
    const b = r.to === '*' ? star : r.to;
    list.push(a <= b ? [a, b] : [b, a]);
  }
  if (set.saved) for (const n of saved) list.push([n, n]);
  list.sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const iv of list) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1] + 1) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

function hasStar(set: SequenceSet): boolean {
  return set.ranges.some((r) => r.from === '*' || r.to === '*');
}

export type SequenceResolution =
  | { ok: true; numbers: number[] }
  /** empty: "*" used while the mailbox has no messages; range: a number above the message count. */
  | { ok: false; reason: 'empty' | 'range' };

/**
 * Resolves a set of message sequence numbers against a mailbox of `count` messages (RFC 9051 §2.3.1.2):
 * "*" is the last message, ranges may be reversed, numbers above `count` make the set invalid.
 * `saved` holds the sequence numbers of the saved search result for "$".
 */
export function resolveSequenceNumbers(set: SequenceSet, count: number, saved: readonly number[] = []): SequenceResolution {
  if (count === 0 && hasStar(set)) return { ok: false, reason: 'empty' };
  const ivs = intervals(set, count, saved.filter((n) => n >= 1 && n <= count));
  const last = ivs[ivs.length - 1];
  if (last && last[1] > count) return { ok: false, reason: 'range' };
  const numbers: number[] = [];
  for (const [a, b] of ivs) for (let n = a; n <= b; n++) numbers.push(n);
  return { ok: true, numbers };
}

/**
 * Positions (0-based, ascending) in `uids` (ascending UIDs of the mailbox) of the messages a UID set names.
 * "*" is the highest UID in use, so `559:*` always includes the last message even when 559 is above every UID
 * (RFC 3501 §6.4.8); UIDs that do not exist are ignored. `saved` holds the UIDs of the saved search result.
 */
export function matchUidSet(set: SequenceSet, uids: readonly number[], saved: readonly number[] = []): number[] {
  const star = uids.length > 0 ? (uids[uids.length - 1] as number) : 0;
  const positions: number[] = [];
  if (uids.length === 0) return positions;
  for (const [a, b] of intervals(set, star, saved)) {
    for (let i = lowerBound(uids, a); i < uids.length && (uids[i] as number) <= b; i++) positions.push(i);
  }
  return positions;
}

/** The UIDs of `uids` (ascending) that a UID set names; see matchUidSet. */
export function resolveUids(set: SequenceSet, uids: readonly number[], saved: readonly number[] = []): number[] {
  return matchUidSet(set, uids, saved).map((i) => uids[i] as number);
}

/** Whether `n` is in the set, with "*" standing for `star` and "$" for `saved`. */
export function sequenceSetContains(set: SequenceSet, n: number, star: number, saved: readonly number[] = []): boolean {
  for (const r of set.ranges) {
    const a = r.from === '*' ? star : r.from;
    const b = r.to === '*' ? star : r.to;
    if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
  }
  return set.saved && saved.includes(n);
}

/** First index in ascending `list` whose value is >= `value`. */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortUnique(numbers: Iterable<number>): number[] {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted.filter((n, i) => i === 0 || n !== sorted[i - 1]);
}

/** Runs of consecutive ascending numbers, in the order given. */
function runs(numbers: readonly number[]): Interval[] {
  const out: Interval[] = [];
  for (const n of numbers) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

function formatRuns(list: Interval[]): string {
  return list.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(',');
}

/** Sorts, removes duplicates and compresses: [5,1,2,3] → "1:3,5". Empty input gives "". */
export function compressSequence(numbers: Iterable<number>): string {
  return formatRuns(runs(sortUnique(numbers)));
}

/**
 * Compresses without reordering, for sets whose order carries meaning (the two sets of COPYUID correspond
 * element by element, RFC 4315 §3): [7,8,9,3] → "7:9,3".
 */
export function compressInOrder(numbers: readonly number[]): string {
  return formatRuns(runs(numbers));
}
