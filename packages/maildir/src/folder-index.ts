// The scan cache of one Maildir folder: UIDs, flags, sizes and mod-sequences in memory, re-synced incrementally from disk.
import { join } from 'node:path';
import type { MessageInfo } from './api.js';
import { CorruptFileError, isErrno, MailboxNotFoundError } from './errors.js';
import { baseTimeMs, compareByDeliveryTime } from './filename.js';
import { DirListing } from './dir-listing.js';
import { fsyncFile } from './fsutil.js';
import { cleanTmp, statDirs, type ListedFile, type SubDir } from './folder-scan.js';

/** How often a synced folder's tmp/ is cleaned of files from dead writers. */
const TMP_CLEAN_INTERVAL_MS = 3600_000;
import type { SystemFlag } from './flags.js';
import { KeywordMap } from './keywords.js';
import { acquireDotlock, keepFresh } from './lock.js';
import { countSizes, statMtime } from './message-input.js';
import { ModseqLog, type ModseqLine } from './modseq.js';
import { inBatches } from './mutex.js';
import { newGuid, Uidlist } from './uidlist.js';
import { UidOrder } from './uid-order.js';
import { nextUidValidity } from './uidvalidity.js';

export type { SubDir } from './folder-scan.js';

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
  /** The API view, built on first use and dropped when the record changes. */
  info?: MessageInfo;
}

export interface FolderTotals {
  unseen: number;
  recent: number;
  size: number;
}

export interface IndexOptions {
  /** Account root, where dovecot-uidvalidity lives. */
  root: string;
  /** Stale timeout of the dovecot-uidlist lock (Dovecot: 120 s). */
  lockStaleMs: number;
}

/**
 * One folder's state. Calls must be serialized by the caller (one in-process mutex per folder). A sync
 * costs a few stat() calls when nothing changed; otherwise only the changed subdirectory is read, and
 * only messages whose names, UIDs or mod-sequences changed are looked at again.
 */
export class FolderIndex {
  readonly uidlist: Uidlist;
  readonly modseqLog: ModseqLog;
  readonly keywords: KeywordMap;
  /** Flags and keywords per letter string, shared by the MessageInfo objects (cleared when keywords change). */
  readonly flagViews = new Map<string, { flags: SystemFlag[]; keywords: string[] }>();
  /** Internal dates of files this process just stored, so that giving them a UID needs no stat(). */
  private readonly knownDates = new Map<string, number>();
  private readonly listing: DirListing;
  private readonly files: Map<string, ListedFile>;
  private records = new Map<number, MessageRecord>();
  /** Totals over `records`, kept as records come and go, so that a status costs nothing per message. */
  private tally: FolderTotals = { unseen: 0, recent: 0, size: 0 };
  private byBase = new Map<string, MessageRecord>();
  private readonly order = new UidOrder<MessageRecord>();
  private touched = new Set<string>();
  private fullRebuild = true;
  private synced = false;
  private uidlistBroken = false;
  /** Highest UID the uidlist held when the last full scan started: records up to it that were not found are gone. */
  private scanUidMax = 0;
  /** When tmp/ was last cleaned of files from dead writers. */
  private tmpCleaned = 0;
  /** Files noted by the last commitNoted() of an index that was never synced. */
  private partial: string[] = [];
  /**
   * After a uidlist compaction that found too few records to drop: not again before the uidlist has grown by
   * an eighth or a directory read has shown more of what is gone (each attempt looks at every record).
   */
  private compactionRetry = { size: -1, scanUidMax: -1 };

  constructor(
    readonly path: string,
    private readonly options: IndexOptions,
  ) {
    this.uidlist = new Uidlist(path);
    this.modseqLog = new ModseqLog(path);
    this.keywords = new KeywordMap(path);
    this.listing = new DirListing(path);
    this.files = this.listing.files;
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

  /** Messages without \\Seen, messages in new/ and their size, over the records. */
  get totals(): Readonly<FolderTotals> {
    return this.tally;
  }

  private count(rec: MessageRecord, sign: 1 | -1): void {
    if (!rec.letters.includes('S')) this.tally.unseen += sign;
    if (rec.dir === 'new') this.tally.recent += sign;
    this.tally.size += sign * rec.size;
  }

  get(uid: number): MessageRecord | undefined {
    return this.records.get(uid);
  }

  byBaseName(base: string): MessageRecord | undefined {
    return this.byBase.get(base);
  }

  /** Number of messages. */
  get size(): number {
    return this.records.size;
  }

  /** Messages in UID order; the array is kept and changed as records come and go: copy it to keep it across an await. */
  messages(): readonly MessageRecord[] {
    return this.order.get(() => this.records.values());
  }

  /** Brings the cache up to date with the disk. Throws MailboxNotFoundError when the folder is gone. */
  async sync(): Promise<void> {
    const mtimes = await statDirs(this.path);
    await this.refreshFiles();
    const scanUidMax = this.uidlist.nextUid() - 1;
    if (await this.listing.refresh(this.touched, mtimes)) this.scanUidMax = scanUidMax;
    if (!this.synced) this.fullRebuild = true;
    if (this.needsWrite()) await this.locked(() => this.fixUp());
    this.apply();
    this.synced = this.listing.complete;
    if (this.synced && Date.now() - this.tmpCleaned > TMP_CLEAN_INTERVAL_MS) {
      this.tmpCleaned = Date.now();
      await cleanTmp(this.path);
    }
  }

  /** Runs `fn` holding the folder's dovecot-uidlist lock, with the uidlist and modseq log freshly read. */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    let lock;
    try {
      lock = await acquireDotlock(this.uidlist.path, { staleMs: this.options.lockStaleMs });
    } catch (err) {
      // The lock file cannot be created: the folder directory is gone.
      if (isErrno(err, 'ENOENT')) throw new MailboxNotFoundError(this.path);
      throw err;
    }
    const stop = keepFresh(lock, this.options.lockStaleMs);
    try {
      await this.refreshFiles();
      return await fn();
    } finally {
      stop();
      await lock.release();
    }
  }

  /** Forces both subdirectories to be read at the next sync (after a file was not where the cache said). */
  invalidate(): void {
    this.listing.invalidate();
  }

  /** Runs a change of this process to `dirs`, so that it costs no readdir afterwards (see DirListing.own). */
  own<T>(dirs: readonly SubDir[], fn: () => Promise<T>): Promise<T> {
    return this.listing.own(dirs, fn);
  }

  /** Reads what changed in dovecot-uidlist, the modseq log and dovecot-keywords, and marks affected messages. */
  private async refreshFiles(): Promise<void> {
    try {
      await this.uidlist.refresh();
      this.uidlistBroken = false;
    } catch (err) {
      if (!(err instanceof CorruptFileError)) throw err;
      this.uidlistBroken = true;
    }
    const u = this.uidlist.takeChanges();
    if (u.reset) this.fullRebuild = true;
    else for (const base of u.bases) this.touched.add(base);
    await this.modseqLog.refresh();
    const m = this.modseqLog.takeChanges();
    if (m.reset) this.fullRebuild = true;
    else {
      for (const uid of m.uids) {
        const rec = this.records.get(uid);
        const base = rec?.base ?? this.uidlist.record(uid)?.base;
        if (base !== undefined) this.touched.add(base);
        // Another of our processes renamed the file and logged its new flags: our listing is behind.
        const entry = this.modseqLog.get(uid);
        if (rec && entry && entry.letters !== this.files.get(rec.base)?.parsed.letters) this.listing.invalidate();
      }
    }
    if (await this.keywords.refresh()) {
      this.flagViews.clear();
      for (const rec of this.records.values()) delete rec.info;
    }
  }

  /** Bases to look at: all of them after a reset, else the touched ones. */
  private candidates(): Iterable<string> {
    return this.fullRebuild ? this.files.keys() : this.touched;
  }

  private needsWrite(): boolean {
    const header = this.uidlist.header;
    if (this.uidlistBroken || !header || header.version !== 3 || !header.guid) return true;
    if (this.modseqLog.uidValidity !== header.uidValidity) return true;
    for (const base of this.candidates()) {
      const f = this.files.get(base);
      if (!f) continue;
      const uid = this.uidlist.uidOf(base);
      if (uid === undefined) return true;
      const entry = this.modseqLog.get(uid);
      if (!entry || entry.letters !== f.parsed.letters) return true;
    }
    return this.wantsCompaction();
  }

  private wantsCompaction(): boolean {
    if (!this.listing.complete) return false;
    if (this.modseqLog.wantsCompaction()) return true;
    if (this.scanUidMax === this.compactionRetry.scanUidMax && this.uidlist.size < this.compactionRetry.size) return false;
    return this.uidlist.wantsCompaction(this.uidlist.size - this.files.size);
  }

  /** Under the lock: creates or repairs the uidlist, gives new files UIDs and records mod-sequences. */
  private async fixUp(): Promise<void> {
    let header = this.uidlist.header;
    let created = false;
    let rewritten = false;
    if (this.uidlistBroken || !header) {
      await this.uidlist.rewrite({ uidValidity: await nextUidValidity(this.options.root), guid: newGuid() });
      this.uidlistBroken = false;
      created = rewritten = true;
    } else if (header.version !== 3 || !header.guid) {
      await this.uidlist.rewrite();
      rewritten = true;
    }
    header = this.uidlist.header;
    if (!header) throw new Error(`could not create ${this.uidlist.path}`);
    if (this.modseqLog.uidValidity !== header.uidValidity) {
      // A UIDVALIDITY we did not just create, without its modseq log (made by Dovecot, or the log was
      // lost): mod-sequences clients saw may have been high, so continue above any of them.
      await this.modseqLog.rewrite(header.uidValidity, undefined, created ? 0 : Date.now());
      rewritten = true;
    }
    // A rewrite above resets the files: then every message is looked at. Otherwise the files are as
    // locked() read them when it took the lock, which we hold.
    if (rewritten) await this.refreshFiles();

    const candidates = [...this.candidates()].filter((base) => this.files.has(base));
    const fresh = candidates.filter((base) => this.uidlist.uidOf(base) === undefined).sort(compareByDeliveryTime);
    let next = this.uidlist.nextUid();
    // Both appends are synced together at the end, with whatever the caller started alongside.
    await this.uidlist.append(fresh.map((base) => ({ uid: next++, base })), false);
    for (const base of fresh) this.touched.add(base);

    const modseq = this.modseqLog.highest + 1;
    const lines: ModseqLine[] = [];
    const unknown: Array<{ base: string; uid: number; f: ListedFile }> = [];
    for (const base of candidates) {
      const f = this.files.get(base) as ListedFile;
      const uid = this.uidlist.uidOf(base);
      if (uid === undefined) continue;
      const entry = this.modseqLog.get(uid);
      if (!entry) unknown.push({ base, uid, f });
      else if (entry.letters !== f.parsed.letters) lines.push({ kind: 'set', uid, ...entry, modseq, letters: f.parsed.letters });
    }
    // Messages seen for the first time: one stat() for the internal date (and one read when the name
    // has no sizes), a few at a time; never again afterwards.
    await inBatches(unknown, 32, async ({ base, uid, f }) => {
      const file = join(this.path, f.dir, f.name);
      const internalDate = Math.floor(this.knownDates.get(base) ?? (await statMtime(file)) ?? baseTimeMs(base) ?? Date.now());
      this.knownDates.delete(base);
      const line: ModseqLine = { kind: 'set', uid, modseq, internalDate, letters: f.parsed.letters };
      if (f.parsed.size === undefined || f.parsed.vsize === undefined) {
        const sizes = await countSizes(file);
        if (sizes) {
          line.size = f.parsed.size ?? sizes.size;
          line.vsize = f.parsed.vsize ?? sizes.vsize;
        }
      }
      lines.push(line);
    });
    lines.sort((a, b) => a.uid - b.uid);
    await this.modseqLog.append(lines, false);
    await Promise.all([fresh.length > 0 ? fsyncFile(this.uidlist.path) : undefined, lines.length > 0 ? fsyncFile(this.modseqLog.path) : undefined]);
    this.modseqLog.takeChanges();
    this.uidlist.takeChanges();
    if (this.wantsCompaction()) await this.compact(header.uidValidity);
  }

  /** Rewrites the uidlist without records of files that are gone and the modseq log without dead lines. */
  private async compact(uidValidity: number): Promise<void> {
    const live = new Set<number>();
    for (const base of this.files.keys()) {
      const uid = this.uidlist.uidOf(base);
      if (uid !== undefined) live.add(uid);
    }
    if (this.uidlist.wantsCompaction(this.uidlist.size - this.files.size)) {
      const gone = new Set<number>();
      for (const r of this.uidlist.records()) if (r.uid <= this.scanUidMax && !live.has(r.uid)) gone.add(r.uid);
      if (this.uidlist.wantsCompaction(gone.size)) await this.uidlist.rewrite({ drop: gone });
      const size = this.uidlist.size;
      this.compactionRetry = { size: size + Math.max(16, size >> 3), scanUidMax: this.scanUidMax };
    }
    if (this.modseqLog.wantsCompaction()) await this.modseqLog.rewrite(uidValidity, live);
    this.uidlist.takeChanges();
    this.modseqLog.takeChanges();
  }

  private makeRecord(base: string, f: ListedFile, uid: number): MessageRecord {
    const entry = this.modseqLog.get(uid);
    const parsed = f.parsed;
    const size = parsed.size ?? entry?.size ?? 0;
    return {
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
  }

  /** Brings the records in line with the files, all of them after a reset, else the touched ones. */
  private apply(): void {
    if (this.fullRebuild) {
      this.records = new Map();
      this.byBase = new Map();
      this.tally = { unseen: 0, recent: 0, size: 0 };
      for (const [base, f] of this.files) {
        const uid = this.uidlist.uidOf(base);
        if (uid === undefined) continue;
        const rec = this.makeRecord(base, f, uid);
        this.count(rec, 1);
        this.records.set(uid, rec);
        this.byBase.set(base, rec);
      }
      this.order.reset();
      this.fullRebuild = false;
      this.touched.clear();
      return;
    }
    for (const base of this.touched) {
      const old = this.byBase.get(base);
      const f = this.files.get(base);
      const uid = f ? this.uidlist.uidOf(base) : undefined;
      if (old && (uid === undefined || uid !== old.uid)) {
        this.count(old, -1);
        this.records.delete(old.uid);
        this.byBase.delete(base);
        this.order.remove(old);
      }
      if (!f || uid === undefined) continue;
      const rec = this.makeRecord(base, f, uid);
      const current = this.byBase.get(base);
      if (current) {
        this.count(current, -1);
        Object.assign(current, rec);
        this.count(current, 1);
        delete current.info;
      } else {
        this.count(rec, 1);
        this.records.set(uid, rec);
        this.byBase.set(base, rec);
        this.order.add(rec);
      }
    }
    this.touched.clear();
  }

  /** Records a rename this process made. */
  noteMoved(base: string, dir: SubDir, name: string): void {
    this.listing.set(base, dir, name);
    this.touched.add(base);
  }

  /** Records a file this process removed or moved away. */
  noteRemoved(base: string): void {
    this.listing.remove(base);
    this.touched.add(base);
  }

  /** Records a file this process added; it gets its UID in commitNoted(). */
  noteAdded(base: string, dir: SubDir, name: string, internalDate: number): void {
    this.noteMoved(base, dir, name);
    this.knownDates.set(base, internalDate);
  }

  /** Applies noted renames and removals to the records. */
  applyNoted(): void {
    this.apply();
  }

  /** Re-reads new/ and cur/ now (under the lock, after a file was not where the cache said). */
  async rescan(): Promise<void> {
    const scanUidMax = this.uidlist.nextUid() - 1;
    await this.listing.rescan(this.touched);
    this.scanUidMax = scanUidMax;
    this.apply();
  }

  /**
   * Gives noted new files their UIDs and mod-sequences without reading the directories; the caller
   * holds the lock. An index that was never synced (the mda's) keeps only the files of the latest call.
   */
  async commitNoted(): Promise<void> {
    if (!this.synced) {
      for (const base of this.partial) {
        if (this.touched.has(base)) continue;
        this.listing.remove(base);
        const rec = this.byBase.get(base);
        if (rec) {
          this.count(rec, -1);
          this.records.delete(rec.uid);
          this.byBase.delete(base);
          this.order.reset();
        }
      }
      this.partial = [...this.touched];
      this.fullRebuild = false;
    }
    await this.fixUp();
    this.apply();
  }
}
