// The scan cache of one Maildir folder: UIDs, flags, sizes and mod-sequences in memory, re-synced incrementally from disk.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptFileError, isErrno, MailboxNotFoundError } from './errors.js';
import { baseTimeMs, parseMaildirName, type MaildirName } from './filename.js';
import { statOrNull } from './fsutil.js';
import { KeywordMap } from './keywords.js';
import { withDotlock } from './lock.js';
import { bareLfCount } from './message-input.js';
import { ModseqLog, type ModseqLine } from './modseq.js';
import { newGuid, Uidlist } from './uidlist.js';
import { nextUidValidity } from './uidvalidity.js';

export type SubDir = 'new' | 'cur';

export interface MessageRecord {
  uid: number;
  /** File name up to ":" — stable across flag changes. */
  base: string;
  /** Current file name in `dir`. */
  filename: string;
  dir: SubDir;
  /** All letters of the "2," info (known flags, keyword letters and letters we keep but do not interpret). */
  letters: string;
  size: number;
  vsize: number;
  internalDate: number;
  modseq: number;
}

export interface IndexOptions {
  /** Account root, where dovecot-uidvalidity lives. */
  root: string;
  /** Stale timeout of the dovecot-uidlist lock (Dovecot: 120 s). */
  lockStaleMs: number;
}

interface ListedFile {
  dir: SubDir;
  name: string;
  parsed: MaildirName;
}

function listed(dir: SubDir, name: string): ListedFile {
  return { dir, name, parsed: parseMaildirName(name) };
}

/** A directory changed less than this long ago may change again within the same time stamp: scan it again next time. */
const DIRTY_MS = 1000;

/** Dovecot's order for new files: time in the name, then microseconds, then the name. */
function sortNewFiles(a: string, b: string): number {
  const ta = baseTimeMs(a) ?? 0;
  const tb = baseTimeMs(b) ?? 0;
  return ta !== tb ? ta - tb : a < b ? -1 : a > b ? 1 : 0;
}

async function countVsize(path: string): Promise<{ size: number; vsize: number } | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  try {
    let size = 0;
    let extra = 0;
    let prevCr = false;
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      extra += bareLfCount(chunk, prevCr);
      prevCr = chunk[chunk.length - 1] === 0x0d;
    }
    return { size, vsize: size + extra };
  } finally {
    await handle.close();
  }
}

/**
 * One folder's state. All calls must be serialized by the caller (one in-process mutex per folder);
 * changes by other processes are picked up by sync(), which costs a few stat() calls when nothing changed.
 */
export class FolderIndex {
  readonly uidlist: Uidlist;
  readonly modseqLog: ModseqLog;
  readonly keywords: KeywordMap;
  /** Internal dates of files this process just stored, so that giving them a UID needs no stat(). */
  readonly knownDates = new Map<string, number>();
  private records = new Map<number, MessageRecord>();
  private byBase = new Map<string, MessageRecord>();
  private sorted: MessageRecord[] | null = null;
  private listing = new Map<string, ListedFile>();
  private newMtime = -1;
  private curMtime = -1;
  private dirty = true;
  private synced = false;
  private uidlistBroken = false;
  /** Highest UID the uidlist held when the last scan started: records up to it that were not found are gone. */
  private scanUidMax = 0;

  constructor(
    readonly path: string,
    private readonly options: IndexOptions,
  ) {
    this.uidlist = new Uidlist(path);
    this.modseqLog = new ModseqLog(path);
    this.keywords = new KeywordMap(path);
  }

  get uidValidity(): number {
    return this.uidlist.header?.uidValidity ?? 0;
  }

  get uidNext(): number {
    return this.uidlist.nextUid();
  }

  get highestModseq(): number {
    return Math.max(1, this.modseqLog.highest);
  }

  get(uid: number): MessageRecord | undefined {
    return this.records.get(uid);
  }

  /** Messages in UID order. */
  messages(): MessageRecord[] {
    if (!this.sorted) this.sorted = [...this.records.values()].sort((a, b) => a.uid - b.uid);
    return this.sorted;
  }

  /** Brings the cache up to date with the disk. Throws MailboxNotFoundError when the folder is gone. */
  async sync(): Promise<void> {
    const [stNew, stCur] = await Promise.all([statOrNull(join(this.path, 'new')), statOrNull(join(this.path, 'cur'))]);
    if (!stNew || !stCur) throw new MailboxNotFoundError(this.path);
    let changed = await this.refreshUidlist();
    changed = (await this.modseqLog.refresh()) || changed;
    await this.keywords.refresh();
    const dirsChanged = this.dirty || Number(stNew.mtimeMs) !== this.newMtime || Number(stCur.mtimeMs) !== this.curMtime;
    if (!dirsChanged && !changed && this.synced) return;
    if (dirsChanged) await this.scan();
    if (this.needsWrite()) await this.locked(() => this.fixUp());
    this.rebuild();
    this.synced = true;
  }

  /** Runs `fn` holding the folder's dovecot-uidlist lock, with the uidlist and modseq log freshly read. */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await withDotlock(this.uidlist.path, { staleMs: this.options.lockStaleMs }, async () => {
        await this.refreshUidlist();
        await this.modseqLog.refresh();
        return fn();
      });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new MailboxNotFoundError(this.path);
      throw err;
    }
  }

  /** Forces a directory scan at the next sync (after an operation found a file missing). */
  invalidate(): void {
    this.dirty = true;
  }

  private async refreshUidlist(): Promise<boolean> {
    try {
      return await this.uidlist.refresh();
    } catch (err) {
      if (!(err instanceof CorruptFileError)) throw err;
      this.uidlistBroken = true;
      return true;
    }
  }

  private async statDirs(): Promise<[number, number]> {
    try {
      const [a, b] = await Promise.all([stat(join(this.path, 'new')), stat(join(this.path, 'cur'))]);
      return [Number(a.mtimeMs), Number(b.mtimeMs)];
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new MailboxNotFoundError(this.path);
      throw err;
    }
  }

  private async readDirs(): Promise<Map<string, ListedFile>> {
    const listing = new Map<string, ListedFile>();
    // new/ before cur/: a file moved from new/ to cur/ meanwhile is then seen at least once.
    for (const dir of ['new', 'cur'] as const) {
      let names: string[];
      try {
        names = await readdir(join(this.path, dir));
      } catch (err) {
        if (isErrno(err, 'ENOENT')) throw new MailboxNotFoundError(this.path);
        throw err;
      }
      for (const name of names) {
        if (name.startsWith('.') || name.includes('\n') || name.includes('\r')) continue;
        const f = listed(dir, name);
        listing.set(f.parsed.base, f);
      }
    }
    return listing;
  }

  /** readdir of new/ and cur/, repeated while they change underneath; see the class comment about renames. */
  private async scan(): Promise<void> {
    this.scanUidMax = this.uidlist.nextUid() - 1;
    let listing = new Map<string, ListedFile>();
    let mtimes: [number, number] = [0, 0];
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.statDirs();
      listing = await this.readDirs();
      mtimes = await this.statDirs();
      if (before[0] === mtimes[0] && before[1] === mtimes[1]) break;
    }
    const recent = Date.now() - Math.max(...mtimes) < DIRTY_MS;
    // readdir may miss a file renamed during the scan (a flag change): in a busy directory a known
    // message counts as gone only when a second listing misses it too.
    if (recent && [...this.records.values()].some((r) => !listing.has(r.base))) {
      const again = await this.readDirs();
      for (const [base, f] of again) if (!listing.has(base)) listing.set(base, f);
    }
    this.listing = listing;
    [this.newMtime, this.curMtime] = mtimes;
    this.dirty = recent;
  }

  private needsWrite(): boolean {
    const header = this.uidlist.header;
    if (this.uidlistBroken || !header || header.version !== 3 || !header.guid) return true;
    if (this.modseqLog.uidValidity !== header.uidValidity) return true;
    for (const [base, f] of this.listing) {
      const uid = this.uidlist.uidOf(base);
      if (uid === undefined) return true;
      const entry = this.modseqLog.get(uid);
      if (!entry || entry.letters !== f.parsed.letters) return true;
    }
    return false;
  }

  /** Under the lock: creates or repairs the uidlist, gives new files UIDs and records mod-sequences. */
  private async fixUp(): Promise<void> {
    let header = this.uidlist.header;
    if (this.uidlistBroken || !header) {
      await this.uidlist.rewrite({ uidValidity: await nextUidValidity(this.options.root), guid: newGuid() });
      this.uidlistBroken = false;
      header = this.uidlist.header;
    } else if (header.version !== 3 || !header.guid) {
      await this.uidlist.rewrite();
      header = this.uidlist.header;
    }
    if (!header) throw new Error(`could not create ${this.uidlist.path}`);
    if (this.modseqLog.uidValidity !== header.uidValidity) await this.modseqLog.rewrite(header.uidValidity);

    const fresh = [...this.listing.keys()].filter((base) => this.uidlist.uidOf(base) === undefined).sort(sortNewFiles);
    let next = this.uidlist.nextUid();
    await this.uidlist.append(fresh.map((base) => ({ uid: next++, base })));

    const modseq = this.modseqLog.highest + 1;
    const lines: ModseqLine[] = [];
    for (const [base, f] of this.listing) {
      const uid = this.uidlist.uidOf(base);
      if (uid === undefined) continue;
      const parsed = f.parsed;
      const entry = this.modseqLog.get(uid);
      if (entry) {
        if (entry.letters !== parsed.letters) lines.push({ kind: 'set', uid, ...entry, modseq, letters: parsed.letters });
        continue;
      }
      const file = join(this.path, f.dir, f.name);
      let internalDate = this.knownDates.get(base);
      if (internalDate === undefined) internalDate = Number((await statOrNull(file))?.mtimeMs ?? baseTimeMs(base) ?? Date.now());
      this.knownDates.delete(base);
      const line: ModseqLine = { kind: 'set', uid, modseq, internalDate, letters: parsed.letters };
      if (parsed.size === undefined || parsed.vsize === undefined) {
        const sizes = await countVsize(file);
        if (sizes) {
          line.size = parsed.size ?? sizes.size;
          line.vsize = parsed.vsize ?? sizes.vsize;
        }
      }
      lines.push(line);
    }
    await this.modseqLog.append(lines);

    const live = new Set<number>();
    for (const base of this.listing.keys()) {
      const uid = this.uidlist.uidOf(base);
      if (uid !== undefined) live.add(uid);
    }
    const gone = new Set<number>();
    for (const r of this.uidlist.records()) if (r.uid <= this.scanUidMax && !live.has(r.uid)) gone.add(r.uid);
    if (this.uidlist.wantsCompaction(gone.size)) await this.uidlist.rewrite({ drop: gone });
    if (this.modseqLog.wantsCompaction()) await this.modseqLog.rewrite(header.uidValidity, live);
  }

  private rebuild(): void {
    const records = new Map<number, MessageRecord>();
    const byBase = new Map<string, MessageRecord>();
    for (const [base, f] of this.listing) {
      const uid = this.uidlist.uidOf(base);
      if (uid === undefined) continue;
      const entry = this.modseqLog.get(uid);
      const parsed = f.parsed;
      const size = parsed.size ?? entry?.size ?? 0;
      const rec: MessageRecord = {
        uid,
        base,
        filename: f.name,
        dir: f.dir,
        letters: parsed.letters,
        size,
        vsize: parsed.vsize ?? entry?.vsize ?? size,
        internalDate: entry?.internalDate ?? baseTimeMs(base) ?? 0,
        modseq: entry?.modseq ?? 1,
      };
      records.set(uid, rec);
      byBase.set(base, rec);
    }
    this.records = records;
    this.byBase = byBase;
    this.sorted = null;
  }

  /** Records a rename this process made, so the next sync need not rescan for it. */
  noteMoved(base: string, dir: SubDir, name: string): void {
    this.listing.set(base, listed(dir, name));
  }

  /** Records a file this process removed or moved away. */
  noteRemoved(base: string): void {
    this.listing.delete(base);
  }

  /** Records a file this process added (its UID comes with the next locked fix-up). */
  noteAdded(base: string, dir: SubDir, name: string, internalDate: number): void {
    this.listing.set(base, listed(dir, name));
    this.knownDates.set(base, internalDate);
  }

  /** Applies noted renames and removals to the records (no UIDs or mod-sequences are given). */
  applyNoted(): void {
    this.rebuild();
  }

  /** Re-reads new/ and cur/ now (under the lock, after a file was not where the cache said). */
  async rescan(): Promise<void> {
    await this.scan();
    this.rebuild();
  }

  /** Applies noted changes and assigns UIDs and mod-sequences; the caller holds the lock. */
  async commitNoted(): Promise<void> {
    await this.fixUp();
    this.rebuild();
  }

  /** The record for a base name, after the last rebuild. */
  byBaseName(base: string): MessageRecord | undefined {
    return this.byBase.get(base);
  }
}
