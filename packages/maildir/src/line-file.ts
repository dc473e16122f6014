// Incremental reading of append-only line files (dovecot-uidlist, the modseq and dedupe logs): only new complete lines are read.
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isErrno } from './errors.js';
import { statNow, syncFd } from './fsutil.js';

export interface LineBatch {
  /** True when the file is new, was replaced or shrank: the reader must drop what it built before. */
  reset: boolean;
  /** The first line of the file, when `reset` is true and the file is not empty. */
  header: string | null;
  /** New complete lines (without the header). */
  lines: string[];
}

/**
 * Follows a file that writers only append to (one write per batch of lines) or replace by rename.
 * A trailing line without its newline is left for the next read: it is a write in progress or a torn write.
 */
export class LineFollower {
  private ino = -1;
  private size = -1;
  private mtimeMs = -1;
  private offset = 0;
  private headerLine: string | null = null;

  constructor(readonly path: string) {}

  /** Forgets everything read so far; the next read starts over. */
  forget(): void {
    this.ino = -1;
    this.size = -1;
    this.mtimeMs = -1;
    this.offset = 0;
    this.headerLine = null;
  }

  /** Bytes of complete lines read so far. */
  get bytesRead(): number {
    return this.offset;
  }

  /** New lines since the last call, or null when the file did not change. A missing file reads as an empty reset. */
  async read(): Promise<LineBatch | null> {
    const st = statNow(this.path);
    if (!st) {
      if (this.ino === -1 && this.size === 0) return null;
      this.forget();
      this.size = 0;
      return { reset: true, header: null, lines: [] };
    }
    const ino = Number(st.ino);
    const size = Number(st.size);
    const mtimeMs = Number(st.mtimeMs);
    if (ino === this.ino && size === this.size && mtimeMs === this.mtimeMs) return null;
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return this.read();
      throw err;
    }
    try {
      const fst = await handle.stat();
      const grown = Number(fst.ino) === this.ino && Number(fst.size) >= this.offset && this.offset > 0 && (await this.sameHeader(handle));
      const from = grown ? this.offset : 0;
      const length = Number(fst.size) - from;
      const buf = Buffer.alloc(Math.max(0, length));
      if (length > 0) await handle.read(buf, 0, length, from);
      const lastNl = buf.lastIndexOf(0x0a);
      const text = lastNl < 0 ? '' : buf.subarray(0, lastNl).toString('utf8');
      const lines = text.length > 0 ? text.split('\n') : lastNl === 0 ? [''] : [];
      let header: string | null = null;
      if (!grown) {
        header = lines.length > 0 ? (lines.shift() as string) : null;
        this.headerLine = header;
      }
      this.offset = from + (lastNl < 0 ? 0 : lastNl + 1);
      this.ino = Number(fst.ino);
      this.size = Number(fst.size);
      this.mtimeMs = Number(fst.mtimeMs);
      return { reset: !grown, header, lines: lines.filter((l) => l.length > 0) };
    } finally {
      await handle.close();
    }
  }

  /**
   * Appends `content` (complete lines) in one O_APPEND write, synced when `sync` is true, and returns what is new
   * since the last read, as read() would. The caller holds the lock that writers take, and has read the file up to
   * its end: then what is new is exactly `content`, and the file is not read again (one fstat() instead).
   */
  async append(content: string, sync: boolean): Promise<LineBatch | null> {
    const data = Buffer.from(content, 'utf8');
    // Synchronous open, write, stat and close (a few lines into a small file); only the fdatasync waits in the pool.
    const fd = openSync(this.path, 'a', 0o600);
    let fst;
    try {
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
      if (sync) await syncFd(fd, true);
      fst = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    const caughtUp = this.ino === Number(fst.ino) && this.offset === this.size && this.offset > 0;
    if (!caughtUp || Number(fst.size) !== this.size + data.length || data[data.length - 1] !== 0x0a) return this.read();
    this.size = Number(fst.size);
    this.offset = this.size;
    this.mtimeMs = Number(fst.mtimeMs);
    return { reset: false, header: null, lines: content.slice(0, -1).split('\n').filter((l) => l.length > 0) };
  }

  /** Guards against inode reuse by a rewritten file: the header line must still be the one we read. */
  private async sameHeader(handle: FileHandle): Promise<boolean> {
    if (this.headerLine === null) return false;
    const want = Buffer.from(`${this.headerLine}\n`);
    const got = Buffer.alloc(want.length);
    const { bytesRead } = await handle.read(got, 0, want.length, 0);
    return bytesRead === want.length && got.equals(want);
  }
}
