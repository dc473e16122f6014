// mailsuite-dedupe: per-account record of delivered dedupe keys, so that a retried delivery job stores its message once.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { atomicWriteFile, fsyncFile } from './fsutil.js';
import { LineFollower, type LineBatch } from './line-file.js';
import { acquireDotlock, type Dotlock } from './lock.js';

export const DEDUPE_NAME = 'mailsuite-dedupe';
const HEADER = 'mailsuite-dedupe 1';
/** Rewrite the file without expired entries once it grows past this (and has doubled since the last rewrite). */
const COMPACT_BYTES = 256 * 1024;

export interface DedupeEntry {
  /** 'pending': the message was about to be published; 'done': it was published. */
  state: 'pending' | 'done';
  /** Maildir++ directory of the folder ("" for INBOX). */
  folderDir: string;
  base: string;
  /** Seconds since the epoch. */
  time: number;
}

/** The stored form of a dedupe key: SHA-256, 32 hex digits (keys may hold addresses; they are not kept). */
export function dedupeHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/**
 * The dedupe record of one account. The delivery protocol, under the file's dot-lock:
 *   1. look the key up: "done" → duplicate; "pending" whose file exists → duplicate (the earlier
 *      attempt crashed after publishing); otherwise deliver;
 *   2. append "P <hash> <folder> <base> <time>" before the message becomes visible;
 *   3. publish the message (link into new/ or cur/), then sync the directory, the uidlist and this file
 *      together (one journal commit) before the delivery is reported;
 *   4. append "D <hash> <time>" (not synced).
 * A crash between 2 and 3 leaves a pending entry without a file: the retry delivers. A crash between
 * 3 and 4 leaves a pending entry with a file: the retry sees the file and reports a duplicate. A crash of
 * the process at any point keeps what was written (the page cache survives it); only a power failure
 * during the syncs of step 3 could keep the link and lose the P line, and then the retry delivers a
 * second copy: never none.
 */
export class DedupeIndex {
  readonly path: string;
  private entries = new Map<string, DedupeEntry>();
  private readonly follower: LineFollower;
  /** File size after the last compaction: the next one waits until the file has doubled. */
  private compactedBytes = 0;

  constructor(
    root: string,
    private readonly retentionMs: number,
  ) {
    this.path = join(root, DEDUPE_NAME);
    this.follower = new LineFollower(this.path);
  }

  lock(staleMs: number): Promise<Dotlock> {
    return acquireDotlock(this.path, { staleMs });
  }

  /** Reads new lines (call under the lock). */
  async refresh(): Promise<void> {
    this.take(await this.follower.read());
  }

  private take(batch: LineBatch | null): void {
    if (!batch) return;
    if (batch.reset) {
      this.entries.clear();
      // A file started by an append has no header line: its first line is an entry.
      if (batch.header !== null && batch.header !== HEADER) this.apply(batch.header);
    }
    for (const line of batch.lines) this.apply(line);
  }

  private apply(line: string): void {
    const parts = line.split(' ');
    if (parts[0] === 'P' && parts.length === 5) {
      this.entries.set(parts[1] as string, { state: 'pending', folderDir: parts[2] === '-' ? '' : (parts[2] as string), base: parts[3] as string, time: Number(parts[4]) });
    } else if (parts[0] === 'D' && parts.length === 3) {
      const entry = this.entries.get(parts[1] as string);
      if (entry) entry.state = 'done';
    }
  }

  lookup(hash: string): DedupeEntry | undefined {
    const entry = this.entries.get(hash);
    if (entry && entry.time * 1000 < Date.now() - this.retentionMs) return undefined;
    return entry;
  }

  /** Records keys about to be published (one append for all of them), synced unless `sync` is false (then see sync()). */
  async markPending(entries: ReadonlyArray<{ hash: string; folderDir: string; base: string }>, sync = true): Promise<void> {
    if (entries.length === 0) return;
    await this.compactIfBig();
    const time = Math.floor(Date.now() / 1000);
    this.take(await this.follower.append(entries.map((e) => `P ${e.hash} ${e.folderDir || '-'} ${e.base} ${time}\n`).join(''), sync));
  }

  /** Syncs what markPending(…, false) appended. */
  sync(): Promise<void> {
    return fsyncFile(this.path);
  }

  /** Not synced: if these lines are lost in a crash, the pending entries and the existing files say the same. */
  async markDone(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    const time = Math.floor(Date.now() / 1000);
    this.take(await this.follower.append(hashes.map((hash) => `D ${hash} ${time}\n`).join(''), false));
  }

  /** Drops expired entries by rewriting the file (under the lock) once it is big. */
  private async compactIfBig(): Promise<void> {
    if (this.follower.bytesRead < Math.max(COMPACT_BYTES, 2 * this.compactedBytes)) return;
    const cutoff = (Date.now() - this.retentionMs) / 1000;
    let text = `${HEADER}\n`;
    for (const [hash, e] of this.entries) {
      if (e.time < cutoff) continue;
      text += `P ${hash} ${e.folderDir || '-'} ${e.base} ${e.time}\n`;
      if (e.state === 'done') text += `D ${hash} ${e.time}\n`;
    }
    await atomicWriteFile(this.path, text);
    this.follower.forget();
    this.entries.clear();
    await this.refresh();
    this.compactedBytes = this.follower.bytesRead;
  }
}
