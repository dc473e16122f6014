// One Maildir folder as a MailFolder: snapshot with \Recent, status, read, flags and expunge (copy, move and append live in folder-transfer.ts).
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type {
  AppendOptions,
  AppendResult,
  CopyResult,
  ExpungeResult,
  FlagMode,
  FolderSnapshot,
  FolderStatus,
  MailFolder,
  MessageSource,
  ReadRange,
  ReadResult,
  SetFlagsResult,
  SnapshotOptions,
} from './api.js';
import { isErrno, MailboxNotFoundError, MessageNotFoundError } from './errors.js';
import { withFlags } from './filename.js';
import { parseFlags } from './flags.js';
import { changesNothing, updateFlags } from './folder-flags.js';
import type { FolderIndex } from './folder-index.js';
import { appendMessage } from './folder-append.js';
import { transferMessages } from './folder-transfer.js';
import { changeOf, statusOf, toMessageInfo, type FolderRef, type StoreServices } from './internal.js';
import { withKey } from './mutex.js';
import type { ModseqLine } from './modseq.js';

export class MaildirFolder implements MailFolder {
  readonly account: string;
  readonly name: string;
  readonly index: FolderIndex;

  constructor(
    readonly ref: FolderRef,
    private readonly services: StoreServices,
  ) {
    this.account = ref.account;
    this.name = ref.name;
    this.index = services.index(ref.root, ref.path);
  }

  /** Runs `fn` serialized with every other operation on this folder in this process, after a sync. */
  async exclusive<T>(fn: () => Promise<T>, options: { rescan?: boolean; sync?: boolean } = {}): Promise<T> {
    return withKey(`folder:${this.ref.path}`, async () => {
      try {
        if (options.rescan) this.index.invalidate();
        if (options.sync !== false) await this.index.sync();
        return await fn();
      } catch (err) {
        if (err instanceof MailboxNotFoundError && err.mailbox === this.ref.path) {
          this.services.dropIndex(this.ref.path);
          throw new MailboxNotFoundError(this.name);
        }
        throw err;
      }
    });
  }

  async status(): Promise<FolderStatus> {
    return this.exclusive(async () => statusOf(this.index));
  }

  async snapshot(options: SnapshotOptions = {}): Promise<FolderSnapshot> {
    return this.exclusive(() => this.snapshotNow(options));
  }

  async snapshotIfChanged(changed: (status: FolderStatus) => boolean, options: SnapshotOptions = {}): Promise<FolderSnapshot | null> {
    return this.exclusive(async () => (changed(statusOf(this.index)) ? this.snapshotNow(options) : null));
  }

  private async snapshotNow(options: SnapshotOptions): Promise<FolderSnapshot> {
    const recentUids: number[] = [];
    if (options.takeRecent && this.index.totals.recent > 0) {
      await this.index.own(['new', 'cur'], () => this.takeRecent(recentUids));
    }
    const messages = this.index.messages().map((rec) => toMessageInfo(this.index, rec));
    return { ...statusOf(this.index), recent: recentUids.length, messages, recentUids };
  }

  /** Moves new/ messages to cur/; the ones this call moved are \Recent for the caller (Dovecot's semantics). */
  private async takeRecent(recentUids: number[]): Promise<void> {
    for (const rec of [...this.index.messages()]) {
      if (rec.dir !== 'new') continue;
      const name = withFlags(rec.filename, '');
      try {
        await rename(join(this.ref.path, 'new', rec.filename), join(this.ref.path, 'cur', name));
      } catch (err) {
        if (isErrno(err, 'ENOENT')) continue; // another session took it first (or it is gone)
        throw err;
      }
      this.index.noteMoved(rec.base, 'cur', name);
      recentUids.push(rec.uid);
    }
    if (recentUids.length > 0) this.index.applyNoted();
  }

  async read(uid: number, range: ReadRange = {}): Promise<ReadResult> {
    for (let attempt = 0; attempt < 2; attempt++) {
      // A message's octets never change under its UID: a known file is read without a sync first (a stale name
      // fails with ENOENT and the second attempt rescans).
      const known = attempt === 0 ? this.index.get(uid) : undefined;
      const rec = known ?? (await this.exclusive(async () => this.index.get(uid), { rescan: attempt > 0 }));
      if (!rec) break;
      // ref.path is normalized already (path.join's normalizing shows in a profile of many small reads).
      const path = `${this.ref.path}/${rec.dir}/${rec.filename}`;
      try {
        return range.into === undefined ? await readStream(path, range) : readAtOnce(path, range, range.into);
      } catch (err) {
        if (isErrno(err, 'ENOENT')) continue; // renamed by a flag change or moved to cur/: look again
        throw err;
      }
    }
    throw new MessageNotFoundError(this.name, uid);
  }

  async setFlags(uids: readonly number[], mode: FlagMode, flags: readonly string[], options: { unchangedSince?: number } = {}): Promise<SetFlagsResult> {
    const set = parseFlags(flags);
    const index = this.index;
    const result = await this.exclusive(() =>
      changesNothing(index, uids, mode, set, options.unchangedSince)
        ? Promise.resolve({ updated: [], modified: [] })
        : index.locked(() => index.own(['new', 'cur'], () => updateFlags(index, uids, mode, set, options.unchangedSince))),
    );
    const change = result.updated.length > 0
      ? changeOf(this.ref, this.index, 'flags', result.updated.map((s) => s.uid), { flags: result.updated })
      : null;
    if (change) this.services.publish(change);
    return { ...result, change };
  }

  async expunge(uids: readonly number[], options: { onlyDeleted?: boolean } = {}): Promise<ExpungeResult> {
    const index = this.index;
    const onlyDeleted = options.onlyDeleted === true;
    const { done: expunged, bytes } = await this.exclusive(() =>
      onlyDeleted && !uids.some((uid) => index.get(uid)?.letters.includes('T'))
        ? Promise.resolve({ done: [], bytes: 0 })
        : index.locked(() => index.own(['new', 'cur'], () => this.removeFiles(uids, onlyDeleted))),
    );
    if (expunged.length === 0) return { expunged, change: null };
    await this.services.quota(this.ref.root).add(-bytes, -expunged.length);
    const change = changeOf(this.ref, this.index, 'expunge', expunged);
    this.services.publish(change);
    return { expunged, change };
  }

  /** Unlinks the files of `uids` (under the lock) and logs their expunge with one new mod-sequence. */
  private async removeFiles(uids: readonly number[], onlyDeleted: boolean): Promise<{ done: number[]; bytes: number }> {
    const done: number[] = [];
    let bytes = 0;
    const remove = async (uid: number): Promise<boolean> => {
      const rec = this.index.get(uid);
      if (!rec) return true;
      if (onlyDeleted && !rec.letters.includes('T')) return true;
      try {
        // In the thread pool: freeing a synced file's blocks can wait for the disk.
        await unlink(join(this.ref.path, rec.dir, rec.filename));
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return false; // renamed by a flag change meanwhile: look again
        throw err;
      }
      this.index.noteRemoved(rec.base);
      bytes += rec.size;
      done.push(uid);
      return true;
    };
    const retry: number[] = [];
    for (const uid of [...new Set(uids)].sort((a, b) => a - b)) if (!(await remove(uid))) retry.push(uid);
    if (retry.length > 0) {
      await this.index.rescan();
      for (const uid of retry) await remove(uid);
    }
    if (done.length > 0) {
      const modseq = this.index.modseqLog.highest + 1;
      // Not synced (as Dovecot's mail_fsync=optimized): a power failure can bring an expunged message back, never
      // lose one, and mod-sequences never go back (see FolderIndex).
      await this.index.modseqLog.append(done.map((uid): ModseqLine => ({ kind: 'expunge', uid, modseq })), false);
      this.index.applyNoted();
    }
    return { done: done.sort((a, b) => a - b), bytes };
  }

  async copy(uids: readonly number[], destination: string): Promise<CopyResult> {
    return transferMessages(this, uids, destination, 'copy', this.services);
  }

  async move(uids: readonly number[], destination: string): Promise<CopyResult> {
    return transferMessages(this, uids, destination, 'move', this.services);
  }

  async append(message: MessageSource, options: AppendOptions = {}): Promise<AppendResult> {
    const stored = await appendMessage(this, message, options, this.services);
    return { uid: stored.uid, uidValidity: stored.uidValidity, change: stored.change };
  }
}

/** O_NOFOLLOW: a symbolic link planted in cur/ cannot make us serve a file from elsewhere. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

function clamp(range: ReadRange, size: number): { start: number; end: number } {
  const start = Math.max(0, Math.min(range.start ?? 0, size));
  return { start, end: Math.max(start, Math.min(range.end ?? size, size)) };
}

/** A message file as a stream (every read through the thread pool); throws ENOENT when it has gone. */
async function readStream(path: string, range: ReadRange): Promise<ReadResult> {
  const handle = await open(path, READ_FLAGS);
  let size;
  try {
    size = Number((await handle.stat()).size);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const { start, end } = clamp(range, size);
  if (end === start) {
    await handle.close();
    return { size, stream: Readable.from([]) };
  }
  return { size, stream: handle.createReadStream({ start, end: end - 1 }) };
}

/**
 * A message file opened with blocking calls; the octets asked for read into `into` at once when they fit, otherwise
 * streamed from the same descriptor. Throws ENOENT when the file has gone.
 */
function readAtOnce(path: string, range: ReadRange, into: Buffer): ReadResult {
  const fd = openSync(path, READ_FLAGS);
  let streaming = false;
  try {
    const size = fstatSync(fd).size;
    const { start, end } = clamp(range, size);
    if (end - start > into.length) {
      streaming = true;
      return { size, stream: createReadStream('', { fd, start, end: end - 1 }) };
    }
    let got = 0;
    while (got < end - start) {
      const n = readSync(fd, into, got, end - start - got, start + got);
      if (n === 0) break; // the file is shorter than fstat said a moment ago: send what there is
      got += n;
    }
    const data = into.subarray(0, got);
    let stream: Readable | undefined;
    return {
      size,
      data,
      get stream(): Readable {
        return (stream ??= Readable.from(got > 0 ? [data] : []));
      },
    };
  } finally {
    if (!streaming) closeSync(fd);
  }
}
