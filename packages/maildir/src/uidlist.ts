// dovecot-uidlist (version 3, reads Courier's version 1 too): the UID ↔ file name map with UIDVALIDITY, next UID and mailbox GUID.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CorruptFileError } from './errors.js';
import { atomicWriteFile } from './fsutil.js';
import { LineFollower, type LineBatch } from './line-file.js';

export const UIDLIST_NAME = 'dovecot-uidlist';

export interface UidlistHeader {
  version: 1 | 3;
  uidValidity: number;
  nextUid: number;
  /** 128-bit mailbox GUID in hex (field G); absent in version 1 files. */
  guid?: string;
  /** Header fields other than V, N and G, kept verbatim on rewrite (Dovecot does the same). */
  extra: string[];
}

export interface UidlistRecord {
  uid: number;
  /** Base file name (the part before ":"). */
  base: string;
  /** Extension fields such as "S1234", "W1300", "G<guid>", kept verbatim. */
  ext: string[];
}

const MAX_UID = 0xffffffff;

/** A fresh random mailbox GUID, 32 hex digits like Dovecot's guid_128. */
export function newGuid(): string {
  return randomBytes(16).toString('hex');
}

/** Parses the first line of a dovecot-uidlist file. */
export function parseUidlistHeader(line: string, path = UIDLIST_NAME): UidlistHeader {
  const m = /^(\d) (.*)$/.exec(line);
  if (!m) throw new CorruptFileError(path, 'invalid header (no version number)');
  const version = Number(m[1]);
  const rest = m[2] as string;
  if (version === 1) {
    const v1 = /^(\d+) (\d+)$/.exec(rest);
    if (!v1) throw new CorruptFileError(path, 'invalid version 1 header');
    return checkHeader({ version: 1, uidValidity: Number(v1[1]), nextUid: Number(v1[2]), extra: [] }, path);
  }
  if (version !== 3) throw new CorruptFileError(path, `unsupported version ${version}`);
  const header: UidlistHeader = { version: 3, uidValidity: 0, nextUid: 0, extra: [] };
  for (const field of rest.split(' ')) {
    if (field === '') continue;
    const key = field[0];
    const value = field.slice(1);
    if (key === 'V') header.uidValidity = Number(value);
    else if (key === 'N') header.nextUid = Number(value);
    else if (key === 'G') {
      if (!/^[0-9a-fA-F]{32}$/.test(value)) throw new CorruptFileError(path, `invalid mailbox GUID ${value}`);
      header.guid = value.toLowerCase();
    } else header.extra.push(field);
  }
  return checkHeader(header, path);
}

function checkHeader(h: UidlistHeader, path: string): UidlistHeader {
  if (!Number.isInteger(h.uidValidity) || h.uidValidity <= 0 || h.uidValidity > MAX_UID) throw new CorruptFileError(path, 'invalid UIDVALIDITY');
  if (!Number.isInteger(h.nextUid) || h.nextUid <= 0 || h.nextUid > MAX_UID) throw new CorruptFileError(path, 'invalid next UID');
  return h;
}

/** Parses one record line: "<uid> [<key><value> ...] :<filename>" (v3) or "<uid> <filename>" (v1). */
export function parseUidlistRecord(line: string, version: 1 | 3, path = UIDLIST_NAME): UidlistRecord {
  // The common shape "<uid> :<base>" without extension fields or flags, parsed without regular expressions.
  const space = line.indexOf(' ');
  if (version === 3 && space > 0 && space <= 10 && line.charCodeAt(space + 1) === 0x3a && line.indexOf(':', space + 2) < 0 && !line.includes('/')) {
    let uid = 0;
    for (let i = 0; i < space; i++) {
      const c = line.charCodeAt(i) - 48;
      if (c < 0 || c > 9) {
        uid = -1;
        break;
      }
      uid = uid * 10 + c;
    }
    if (uid > 0 && uid < MAX_UID && space + 2 < line.length) return { uid, base: line.slice(space + 2), ext: [] };
  }
  const m = /^(\d+) +(.*)$/.exec(line);
  if (!m) throw new CorruptFileError(path, `invalid record ${JSON.stringify(line.slice(0, 80))}`);
  const uid = Number(m[1]);
  if (!Number.isInteger(uid) || uid <= 0 || uid >= MAX_UID) throw new CorruptFileError(path, `invalid UID ${m[1]}`);
  let rest = m[2] as string;
  const ext: string[] = [];
  if (version === 3) {
    while (rest.length > 0 && rest[0] !== ':') {
      const space = rest.indexOf(' ');
      const field = space < 0 ? rest : rest.slice(0, space);
      // Dovecot only accepts upper-case keys and drops anything else.
      if (/^[A-Z]/.test(field)) ext.push(field);
      rest = space < 0 ? '' : rest.slice(space + 1).replace(/^ +/, '');
    }
    if (!rest.startsWith(':')) throw new CorruptFileError(path, `record for UID ${uid} has no file name`);
    rest = rest.slice(1);
  }
  if (rest.length === 0 || rest.includes('/')) throw new CorruptFileError(path, `record for UID ${uid} has a broken file name`);
  const colon = rest.indexOf(':');
  return { uid, base: colon < 0 ? rest : rest.slice(0, colon), ext };
}

/** The header line as Dovecot writes it: "3 V<uidvalidity> N<nextuid> G<guid>[ <other fields>]\n". */
export function formatUidlistHeader(h: { uidValidity: number; nextUid: number; guid: string; extra?: string[] }): string {
  const extra = h.extra && h.extra.length > 0 ? ` ${h.extra.join(' ')}` : '';
  return `3 V${h.uidValidity} N${h.nextUid} G${h.guid}${extra}\n`;
}

/** A record line as Dovecot writes it: "<uid>[ <ext> ...] :<base>\n". */
export function formatUidlistRecord(r: UidlistRecord): string {
  const ext = r.ext.length > 0 ? ` ${r.ext.join(' ')}` : '';
  return `${r.uid}${ext} :${r.base}\n`;
}

/**
 * One folder's dovecot-uidlist, cached in memory and re-read only when the file changed (appended
 * records are read incrementally, as Dovecot does). Writers must hold the dovecot-uidlist lock.
 */
export class Uidlist {
  readonly path: string;
  header: UidlistHeader | null = null;
  private byUid = new Map<number, UidlistRecord>();
  private byBase = new Map<string, UidlistRecord>();
  private lastUid = 0;
  private readonly follower: LineFollower;
  private changes: { reset: boolean; bases: Set<string> } = { reset: true, bases: new Set() };

  constructor(dir: string) {
    this.path = join(dir, UIDLIST_NAME);
    this.follower = new LineFollower(this.path);
  }

  get size(): number {
    return this.byUid.size;
  }

  uidOf(base: string): number | undefined {
    return this.byBase.get(base)?.uid;
  }

  record(uid: number): UidlistRecord | undefined {
    return this.byUid.get(uid);
  }

  records(): IterableIterator<UidlistRecord> {
    return this.byUid.values();
  }

  /** The UID the next new message gets. */
  nextUid(): number {
    return Math.max(this.header?.nextUid ?? 1, this.lastUid + 1);
  }

  /** Re-reads the file if it changed since the last read; returns true when anything changed. Throws CorruptFileError. */
  async refresh(): Promise<boolean> {
    return this.take(() => this.follower.read());
  }

  /** Applies what `next` reads (lines new since the last read). Throws CorruptFileError. */
  private async take(next: () => Promise<LineBatch | null>): Promise<boolean> {
    try {
      const batch = await next();
      if (!batch) return false;
      if (batch.reset) {
        this.clear();
        this.changes.reset = true;
        if (batch.header === null) return true;
        this.header = parseUidlistHeader(batch.header, this.path);
      }
      const version = this.header?.version ?? 3;
      for (const line of batch.lines) {
        const rec = parseUidlistRecord(line, version, this.path);
        if (rec.uid <= this.lastUid) throw new CorruptFileError(this.path, `UIDs not ordered (${rec.uid} after ${this.lastUid})`);
        this.add(rec);
        if (!this.changes.reset) this.changes.bases.add(rec.base);
      }
      return true;
    } catch (err) {
      this.clear();
      this.follower.forget();
      this.changes.reset = true;
      throw err;
    }
  }

  /** What refreshes read since the last call: a reset (file replaced), or base names that got a UID. */
  takeChanges(): { reset: boolean; bases: Set<string> } {
    const out = this.changes;
    this.changes = { reset: false, bases: new Set() };
    return out;
  }

  private clear(): void {
    this.header = null;
    this.byUid.clear();
    this.byBase.clear();
    this.lastUid = 0;
  }

  private add(rec: UidlistRecord): void {
    const dup = this.byBase.get(rec.base);
    if (dup) this.byUid.delete(dup.uid);
    this.byUid.set(rec.uid, rec);
    this.byBase.set(rec.base, rec);
    if (rec.uid > this.lastUid) this.lastUid = rec.uid;
  }

  /** Writes a whole new file (under the lock): dovecot-uidlist.tmp, sync, rename — as Dovecot's recreate. */
  async rewrite(options: { uidValidity?: number; guid?: string; drop?: ReadonlySet<number>; nextUid?: number } = {}): Promise<void> {
    const uidValidity = options.uidValidity ?? this.header?.uidValidity;
    if (!uidValidity) throw new Error('rewrite of a uidlist without UIDVALIDITY');
    const guid = options.guid ?? this.header?.guid ?? newGuid();
    const nextUid = Math.max(options.nextUid ?? 0, this.nextUid());
    const kept = [...this.byUid.values()].filter((r) => !options.drop?.has(r.uid)).sort((a, b) => a.uid - b.uid);
    const extra = options.uidValidity !== undefined && options.uidValidity !== this.header?.uidValidity ? [] : (this.header?.extra ?? []);
    let text = formatUidlistHeader({ uidValidity, nextUid, guid, extra });
    for (const r of kept) text += formatUidlistRecord(r);
    await atomicWriteFile(this.path, text);
    this.clear();
    this.follower.forget();
    await this.refresh();
  }

  /**
   * Appends records for new messages (under the lock) in one write, as Dovecot does after a save; synced
   * unless `sync` is false (then the caller syncs the file before it lets go of the lock).
   */
  async append(records: Array<{ uid: number; base: string }>, sync = true): Promise<void> {
    if (records.length === 0) return;
    if (!this.header) throw new Error('append to a uidlist that does not exist');
    let text = '';
    let last = this.lastUid;
    for (const r of records) {
      if (r.uid <= last) throw new Error(`uidlist append out of order: ${r.uid} <= ${last}`);
      text += formatUidlistRecord({ uid: r.uid, base: r.base, ext: [] });
      last = r.uid;
    }
    await this.take(() => this.follower.append(text, sync));
  }

  /** Records whose files are gone, as a share of all records: the uidlist is rewritten without them past 25 %. */
  wantsCompaction(dropCount: number): boolean {
    return dropCount > 0 && dropCount * 4 >= this.byUid.size;
  }
}
