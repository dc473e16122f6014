// mailsuite-modseq: a per-folder append-only log of CONDSTORE mod-sequences, internal dates and last seen flags.
import { join } from 'node:path';
import { atomicWriteFile } from './fsutil.js';
import { LineFollower, type LineBatch } from './line-file.js';

export const MODSEQ_NAME = 'mailsuite-modseq';
const MAGIC = 'mailsuite-modseq 1';

export interface ModseqEntry {
  modseq: number;
  /** Internal date in milliseconds. */
  internalDate: number;
  /** Flag letters the message had when this mod-sequence was given (to notice changes made by others). */
  letters: string;
  /** Sizes of a message whose file name has no ",S=" / ",W=" (learned once, so no file is read again). */
  size?: number;
  vsize?: number;
}

/** One log line: a message state, or the expunge of a UID. */
export type ModseqLine = ({ kind: 'set'; uid: number } & ModseqEntry) | { kind: 'expunge'; uid: number; modseq: number };

/** Formats one line: "<uid> <modseq> <internal date ms> <letters or -> [<size> <vsize>]" or "- <uid> <modseq>". */
export function formatModseqLine(line: ModseqLine): string {
  if (line.kind === 'expunge') return `- ${line.uid} ${line.modseq}\n`;
  const sizes = line.size !== undefined && line.vsize !== undefined ? ` ${line.size} ${line.vsize}` : '';
  return `${line.uid} ${line.modseq} ${Math.floor(line.internalDate)} ${line.letters || '-'}${sizes}\n`;
}

/** A decimal number of 1–16 digits at text[from, to), or NaN. */
function num(text: string, from: number, to: number): number {
  if (to <= from || to - from > 16) return NaN;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return value;
}

/** Letters are printable ASCII except space and ",". */
function validLetters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x2c) return false;
  }
  return true;
}

/** Parses one line; null for anything malformed (a torn or foreign line is ignored, never fatal). */
export function parseModseqLine(text: string): ModseqLine | null {
  const ends: number[] = [];
  for (let i = text.indexOf(' '); i >= 0; i = text.indexOf(' ', i + 1)) ends.push(i);
  ends.push(text.length);
  if (text.startsWith('- ')) {
    if (ends.length !== 3) return null;
    const uid = num(text, 2, ends[1] as number);
    const modseq = num(text, (ends[1] as number) + 1, ends[2] as number);
    return Number.isFinite(uid) && Number.isFinite(modseq) && uid > 0 ? { kind: 'expunge', uid, modseq } : null;
  }
  if (ends.length !== 4 && ends.length !== 6) return null;
  const [e0, e1, e2, e3] = ends as [number, number, number, number];
  const uid = num(text, 0, e0);
  const modseq = num(text, e0 + 1, e1);
  const internalDate = num(text, e1 + 1, e2);
  if (!(uid > 0) || !(modseq > 0) || !Number.isFinite(internalDate)) return null;
  const raw = text.slice(e2 + 1, e3);
  const letters = raw === '-' ? '' : raw;
  if (!validLetters(letters)) return null;
  const line: ModseqLine = { kind: 'set', uid, modseq, internalDate, letters };
  if (ends.length === 6) {
    const size = num(text, e3 + 1, ends[4] as number);
    const vsize = num(text, (ends[4] as number) + 1, ends[5] as number);
    if (!Number.isFinite(size) || !Number.isFinite(vsize)) return null;
    line.size = size;
    line.vsize = vsize;
  }
  return line;
}

/**
 * The folder's mod-sequence log. Writers hold the folder's dovecot-uidlist lock, read the tail first,
 * then append with a single write and fdatasync; the log is compacted by rewrite + rename.
 */
export class ModseqLog {
  readonly path: string;
  /** UIDVALIDITY the log belongs to; a log of another UIDVALIDITY is discarded. */
  uidValidity = 0;
  highest = 0;
  private entries = new Map<number, ModseqEntry>();
  private lineCount = 0;
  private readonly follower: LineFollower;
  private changes: { reset: boolean; uids: Set<number> } = { reset: true, uids: new Set() };

  constructor(dir: string) {
    this.path = join(dir, MODSEQ_NAME);
    this.follower = new LineFollower(this.path);
  }

  get(uid: number): ModseqEntry | undefined {
    return this.entries.get(uid);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Reads new lines; returns true when anything changed. */
  async refresh(): Promise<boolean> {
    return this.take(await this.follower.read());
  }

  private take(batch: LineBatch | null): boolean {
    if (!batch) return false;
    if (batch.reset) {
      this.changes.reset = true;
      this.entries.clear();
      this.highest = 0;
      this.lineCount = 0;
      this.uidValidity = 0;
      const m = batch.header ? /^mailsuite-modseq 1 V(\d+) H(\d+)$/.exec(batch.header) : null;
      if (m) {
        this.uidValidity = Number(m[1]);
        this.highest = Number(m[2]);
      }
    }
    for (const text of batch.lines) this.apply(parseModseqLine(text));
    return true;
  }

  /** What refreshes read since the last call: a reset (file replaced), or UIDs whose entry changed. */
  takeChanges(): { reset: boolean; uids: Set<number> } {
    const out = this.changes;
    this.changes = { reset: false, uids: new Set() };
    return out;
  }

  private apply(line: ModseqLine | null): void {
    if (!line) return;
    this.lineCount++;
    if (!this.changes.reset) this.changes.uids.add(line.uid);
    if (line.modseq > this.highest) this.highest = line.modseq;
    if (line.kind === 'expunge') this.entries.delete(line.uid);
    else {
      const { kind: _kind, uid, ...entry } = line;
      this.entries.set(uid, entry);
    }
  }

  /** Appends lines (under the folder lock, after refresh()); synced unless `sync` is false (then the caller syncs). */
  async append(lines: ModseqLine[], sync = true): Promise<void> {
    if (lines.length === 0) return;
    this.take(await this.follower.append(lines.map(formatModseqLine).join(''), sync));
  }

  /** True when dead lines outnumber live ones enough to be worth a rewrite. */
  wantsCompaction(): boolean {
    return this.lineCount > 2 * this.entries.size + 1000;
  }

  /**
   * Writes a fresh log (under the folder lock): for a new UIDVALIDITY (empty, starting at `highest`, or
   * at `floor` when that is higher) or to compact, keeping only `keep` UIDs when given.
   * HIGHESTMODSEQ never goes backwards.
   */
  async rewrite(uidValidity: number, keep?: ReadonlySet<number>, floor = 0): Promise<void> {
    const sameValidity = uidValidity === this.uidValidity;
    let text = `${MAGIC} V${uidValidity} H${Math.max(this.highest, floor)}\n`;
    if (sameValidity) {
      for (const [uid, e] of [...this.entries].sort((a, b) => a[0] - b[0])) {
        if (keep && !keep.has(uid)) continue;
        text += formatModseqLine({ kind: 'set', uid, ...e });
      }
    }
    await atomicWriteFile(this.path, text);
    this.follower.forget();
    await this.refresh();
  }
}
