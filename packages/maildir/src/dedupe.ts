// mailsuite-dedupe: per-account record of delivered dedupe keys, so that a retried delivery job stores its message once.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { appendDurably, atomicWriteFile } from './fsutil.js';
import { LineFollower } from './line-file.js';
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
 *   2. append "P <hash> <folder> <base> <time>" (fsync) before the message becomes visible;
 *   3. publish the message (link into new/ or cur/, fsync the directory);
 *   4. append "D <hash> <time>" (fsync).
 * A crash between 2 and 3 leaves a pending entry without a file: the retry delivers. A crash between
 * 3 and 4 leaves a pending entry with a file: the retry sees the file and reports a duplicate.
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
    const batch = await this.follower.read();
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

  async markPending(hash: string, folderDir: string, base: string): Promise<void> {
    await this.compactIfBig();
    const time = Math.floor(Date.now() / 1000);
    await appendDurably(this.path, `P ${hash} ${folderDir || '-'} ${base} ${time}\n`, true);
    this.entries.set(hash, { state: 'pending', folderDir, base, time });
    await this.refresh();
  }

  /** Not synced: if this line is lost in a crash, the pending entry and the existing file say the same. */
  async markDone(hash: string): Promise<void> {
    await appendDurably(this.path, `D ${hash} ${Math.floor(Date.now() / 1000)}\n`, false);
    await this.refresh();
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
