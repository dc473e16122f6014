// Small file-system helpers with the durability rules Maildir needs: fsync of files and directories, atomic replace.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fdatasync, fsync, linkSync, openSync, renameSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { copyFile, link, lstat, open, rename, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { isErrno } from './errors.js';

/**
 * Flushes a directory's entries (after a create, link, rename or unlink in it). Some file systems refuse fsync on
 * directories; the data itself was synced already.
 */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    await syncPath(dir, false);
  } catch (err) {
    if (!isErrno(err, 'EINVAL', 'EISDIR', 'EBADF', 'EPERM')) throw err;
  }
}

/** fdatasync of a file that was written through another descriptor (group commit of several appends). */
export function fsyncFile(path: string): Promise<void> {
  return syncPath(path, true);
}

/**
 * fsync (or fdatasync) of `path` through a descriptor of its own. The open and close are synchronous
 * (microseconds, where each trip through the thread pool costs tens of them); only the sync waits in the pool.
 */
async function syncPath(path: string, dataOnly: boolean): Promise<void> {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    await syncFd(fd, dataOnly);
  } finally {
    closeSync(fd);
  }
}

/** Writes `content` to a temporary file beside `path`, syncs it and renames it over `path`. */
export async function atomicWriteFile(path: string, content: string | Uint8Array, options: { mode?: number; syncDir?: boolean } = {}): Promise<void> {
  // Not dot-prefixed: in a Maildir++ root a name starting with '.' is where folders live.
  const tmp = join(dirname(path), `${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', options.mode ?? 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (options.syncDir !== false) await fsyncDir(dirname(path));
}

/**
 * stat() that returns null for a missing file. Synchronous: the file is local and the call takes microseconds,
 * where a round trip through the thread pool costs tens of them, and this runs before every folder operation.
 */
export function statNow(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return null;
    throw err;
  }
}

const fsyncFd = promisify(fsync);
const fdatasyncFd = promisify(fdatasync);

/** fsync (or fdatasync, `dataOnly`) of an open descriptor, waiting in the thread pool: the one call that waits for the disk. */
export function syncFd(fd: number, dataOnly = false): Promise<void> {
  return dataOnly ? fdatasyncFd(fd) : fsyncFd(fd);
}

/** stat() that returns null for a missing file. */
export async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return null;
    throw err;
  }
}

/** lstat() (links are not followed) that returns null for a missing file. */
export async function lstatOrNull(path: string): Promise<Awaited<ReturnType<typeof lstat>> | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return null;
    throw err;
  }
}

/** unlink() that ignores a missing file; true when something was removed. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/**
 * Moves a finished file into place without ever replacing an existing one: link() then unlink() as
 * qmail does (EEXIST reports a name clash), falling back to rename() where hard links are unsupported.
 * Synchronous: link() and unlink() of a name are quick directory operations (a batch of deliveries publishes
 * its files under a lock), where each call through the promise API is a thread-pool round trip.
 */
export function publishFile(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    if (!isErrno(err, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS')) throw err;
    if (statNow(to)) throw Object.assign(new Error(`EEXIST: file already exists, ${to}`), { code: 'EEXIST' });
    renameSync(from, to);
    return;
  }
  unlinkSync(from);
}

/** A hard link of `from` at `to`, or a full copy where hard links do not work (another file system). */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if (!isErrno(err, 'EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS')) throw err;
    await copyFile(from, to, constants.COPYFILE_EXCL);
    const st = await stat(from);
    await utimes(to, st.atime, st.mtime);
  }
}
