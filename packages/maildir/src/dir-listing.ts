// What new/ and cur/ of one folder hold, as last read: kept current by re-reading only what changed, with Dovecot's delayed refresh.
import { baseOf, listed, scanDirs, statDirs, SUBDIRS, type ListedFile, type Mtimes, type ScanResult, type SubDir } from './folder-scan.js';

/**
 * Time stamps are coarse (a clock tick locally, up to a second over NFS): a directory read less than
 * this long after its last change may have changed again unseen. Like Dovecot's "delayed refresh",
 * such a directory is read once more when this much time has passed.
 */
export const DIRTY_MS = 1000;

export class DirListing {
  /** Base name → where the file is now. */
  readonly files = new Map<string, ListedFile>();
  private inDir: Record<SubDir, Set<string>> = { new: new Set(), cur: new Set() };
  private listed: Record<SubDir, boolean> = { new: false, cur: false };
  private mtimes: Mtimes = { new: -1, cur: -1 };
  /** When each subdirectory was last read. */
  private checked: Mtimes = { new: -1, cur: -1 };
  /** Subdirectories to read at the next refresh whatever their mtime says. */
  private force: Record<SubDir, boolean> = { new: true, cur: true };

  constructor(readonly path: string) {}

  /** True once both subdirectories have been read. */
  get complete(): boolean {
    return this.listed.new && this.listed.cur;
  }

  /** Reads both subdirectories at the next refresh. */
  invalidate(): void {
    this.force = { new: true, cur: true };
  }

  /**
   * Re-reads the subdirectories whose mtime moved (or that are due for the delayed refresh) and adds the
   * base names that appeared, moved or went away to `touched`. Returns true when both were read.
   */
  async refresh(touched: Set<string>, mtimes?: Mtimes): Promise<boolean> {
    const current = mtimes ?? (await statDirs(this.path));
    const now = Date.now();
    const stale = (d: SubDir): boolean =>
      this.force[d] || current[d] !== this.mtimes[d] || (this.checked[d] - this.mtimes[d] <= DIRTY_MS && now - this.checked[d] > DIRTY_MS);
    const want = { new: stale('new'), cur: stale('cur') };
    if (!want.new && !want.cur) return false;
    return this.scan(want, touched);
  }

  /** Reads both subdirectories now. */
  async rescan(touched: Set<string>): Promise<void> {
    await this.scan({ new: true, cur: true }, touched);
  }

  /** True when a message we knew in a directory that was read is missing from everything that was read. */
  private lostSome(result: ScanResult): boolean {
    const present = new Set<string>();
    for (const d of SUBDIRS) for (const n of result.names[d] ?? []) present.add(baseOf(n));
    for (const d of SUBDIRS) {
      if (!result.names[d]) continue;
      for (const base of this.inDir[d]) if (!present.has(base)) return true;
    }
    return false;
  }

  private async scan(want: Record<SubDir, boolean>, touched: Set<string>): Promise<boolean> {
    const started = Date.now();
    let result = await scanDirs(this.path, want, this.mtimes);
    // A message that left one directory may be in the other one now: read both before calling it gone.
    if (!(result.names.new && result.names.cur) && this.lostSome(result)) result = await scanDirs(this.path, { new: true, cur: true }, this.mtimes);
    // readdir may miss a file renamed while it runs (a flag change by someone else): in a busy folder a
    // known message counts as gone only when a second listing misses it too.
    const busy = Date.now() - Math.max(result.mtimes.new, result.mtimes.cur) < DIRTY_MS;
    if (busy && this.lostSome(result)) {
      const again = await scanDirs(this.path, { new: result.names.new !== undefined, cur: result.names.cur !== undefined }, result.mtimes);
      for (const d of SUBDIRS) {
        const first = result.names[d];
        const second = again.names[d];
        if (!first || !second) continue;
        const have = new Set(first.map(baseOf));
        for (const n of second) if (!have.has(baseOf(n))) first.push(n);
      }
    }
    this.absorb(result, touched, started);
    return result.names.new !== undefined && result.names.cur !== undefined;
  }

  private absorb(result: ScanResult, touched: Set<string>, started: number): void {
    const bases: Partial<Record<SubDir, string[]>> = {};
    for (const d of SUBDIRS) if (result.names[d]) bases[d] = (result.names[d] as string[]).map(baseOf);
    const inCur = bases.cur ? new Set(bases.cur) : null;
    for (const d of SUBDIRS) {
      const names = result.names[d];
      const dirBases = bases[d];
      if (!names || !dirBases) continue;
      const now = d === 'cur' && inCur ? inCur : new Set<string>();
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const base = dirBases[i] as string;
        // new/ is read first; the same base in cur/ is the newer state
        if (d === 'new' && inCur?.has(base)) continue;
        now.add(base);
        const known = this.files.get(base);
        if (known !== undefined && known.dir === d && known.name === name) continue;
        this.files.set(base, listed(d, name));
        touched.add(base);
      }
      for (const base of this.inDir[d]) {
        if (now.has(base)) continue;
        if (this.files.get(base)?.dir === d) {
          this.files.delete(base);
          touched.add(base);
        }
      }
      this.inDir[d] = now;
      this.listed[d] = true;
      this.checked[d] = started;
      this.force[d] = false;
    }
    this.mtimes = result.mtimes;
  }

  /**
   * Runs a change of this process to `dirs` and takes the directories' new mtimes as seen, if nobody
   * else had changed them since our last read: our own renames then cost no readdir. A change by
   * someone else in the same instant is caught by the delayed refresh, which is due DIRTY_MS after the
   * last real read however often this process changes the directory meanwhile (so `checked` stays).
   */
  async own<T>(dirs: readonly SubDir[], fn: () => Promise<T>): Promise<T> {
    const before = await statDirs(this.path);
    const result = await fn();
    const after = await statDirs(this.path);
    for (const d of dirs) {
      if (before[d] !== this.mtimes[d] || this.force[d]) continue;
      this.mtimes[d] = after[d];
    }
    return result;
  }

  /** Records a rename or creation by this process. */
  set(base: string, dir: SubDir, name: string): void {
    const old = this.files.get(base);
    if (old) this.inDir[old.dir].delete(base);
    this.files.set(base, listed(dir, name));
    this.inDir[dir].add(base);
  }

  /** Records a removal by this process. */
  remove(base: string): void {
    const old = this.files.get(base);
    if (old) this.inDir[old.dir].delete(base);
    this.files.delete(base);
  }
}
