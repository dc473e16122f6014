// Dovecot-compatible dot-locks: "<file>.lock" created with O_EXCL holding "<pid>:<host>", with Dovecot's stale-lock rules.
import { closeSync, fstatSync, ftruncateSync, futimesSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { lstat, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isErrno, LockTimeoutError } from './errors.js';
import { syncFd } from './fsutil.js';
import { lockKey } from './mutex.js';

export interface DotlockOptions {
  /**
   * A lock is taken over when neither it nor the file it protects changed for this long
   * (Dovecot: 120 s for dovecot-uidlist and dovecot-keywords, 30 s for subscriptions).
   */
  staleMs?: number;
  /** Give up waiting after this long; defaults to staleMs + 2 s like Dovecot. */
  timeoutMs?: number;
  /** Host name written into the lock; defaults to the system host name, as Dovecot's my_hostname. */
  hostname?: string;
}

/** Locks younger than this are not checked for a dead owner (Dovecot's STALE_PID_CHECK_SECS). */
const PID_CHECK_AGE_MS = 2000;
const MIN_WAIT_MS = 5;
const MAX_WAIT_MS = 250;
/** The system host name, asked once (os.hostname() is a uname call every time). */
let systemHostname: string | undefined;

export interface Dotlock {
  /** The protected file. */
  readonly path: string;
  /** The lock file: path + ".lock". */
  readonly lockPath: string;
  /** Refreshes the lock's time stamp so that others do not think it stale during a long operation. */
  touch(): Promise<void>;
  /** Removes the lock if it is still ours. Returns false when someone had overridden it meanwhile. */
  release(): Promise<boolean>;
  /** Writes `content` into the lock file, syncs it and renames it over the protected file (Dovecot's file_dotlock_replace). */
  replace(content: string | Uint8Array): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, 'ESRCH');
  }
}

/** Parses lock file contents "<pid>:<host>"; null when it does not have that shape. */
export function parseLockOwner(text: string): { pid: number; host: string } | null {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const pid = Number(line.slice(0, colon));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, host: line.slice(colon + 1) };
}

/**
 * Takes the dot-lock of `path`. Within this process callers queue on an in-memory mutex first, so the
 * file lock is only ever contended between processes (or hosts sharing the volume). A lock whose owner
 * is a dead process on this host is taken over at once; any other lock when neither it nor the
 * protected file changed for `staleMs`.
 */
export async function acquireDotlock(path: string, options: DotlockOptions = {}): Promise<Dotlock> {
  const lockPath = `${path}.lock`;
  const staleMs = options.staleMs ?? 120_000;
  const timeoutMs = options.timeoutMs ?? staleMs + 2000;
  const host = options.hostname ?? (systemHostname ??= hostname());
  const releaseKey = await lockKey(`dotlock:${lockPath}`);
  try {
    const fd = await createLock(path, lockPath, host, staleMs, timeoutMs);
    return makeLock(path, lockPath, fd, releaseKey);
  } catch (err) {
    releaseKey();
    throw err;
  }
}

/**
 * Touches the lock every quarter of `staleMs` until the returned function is called, so that a long
 * operation (a big COPY, a wait for another lock) is never mistaken for a dead holder.
 */
export function keepFresh(lock: Dotlock, staleMs = 120_000): () => void {
  const timer = setInterval(() => void lock.touch().catch(() => undefined), Math.max(500, staleMs / 4));
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs `fn` while holding the dot-lock of `path`, keeping it fresh. */
export async function withDotlock<T>(path: string, options: DotlockOptions, fn: (lock: Dotlock) => Promise<T>): Promise<T> {
  const lock = await acquireDotlock(path, options);
  const stop = keepFresh(lock, options.staleMs);
  try {
    return await fn(lock);
  } finally {
    stop();
    await lock.release();
  }
}

// The lock's own file operations (create, write, stat, unlink, close, rename) are synchronous: each is one quick
// call on a small file, where the promise API would make each a round trip through libuv's thread pool, and a
// flag change or delivery takes and drops a lock every time. Only the fsync of replace() waits in the pool.

async function createLock(path: string, lockPath: string, host: string, staleMs: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let wait = MIN_WAIT_MS + Math.random() * MIN_WAIT_MS;
  let lockSig = '';
  let fileSig = '';
  let lastChange = 0;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o666);
      try {
        writeSync(fd, `${process.pid}:${host}`);
      } catch {
        try {
          ftruncateSync(fd, 0);
        } catch {
          // an empty or partial owner only delays a takeover until the lock is stale
        }
      }
      return fd;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    let st;
    try {
      st = await lstat(lockPath);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    const now = Date.now();
    const sig = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    if (sig !== lockSig) {
      lastChange = Math.max(lastChange, lockSig === '' ? Math.min(now, Math.max(st.mtimeMs, st.ctimeMs)) : now);
      lockSig = sig;
    }
    if (now - st.mtimeMs >= PID_CHECK_AGE_MS) {
      const owner = parseLockOwner(await readFile(lockPath, 'utf8').catch(() => ''));
      // Same pid as ours while our own mutex is held by us: a leftover of an earlier process that had our pid.
      if (owner && owner.host === host && (owner.pid === process.pid || !alive(owner.pid))) {
        await override(lockPath, st.ino);
        continue;
      }
    }
    if (now - lastChange > staleMs) {
      try {
        const fst = await stat(path);
        const fsig = `${fst.ino}:${fst.size}:${fst.mtimeMs}`;
        if (fsig !== fileSig) {
          lastChange = Math.max(lastChange, fileSig === '' ? Math.min(now, fst.mtimeMs) : now);
          fileSig = fsig;
        }
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
      if (now - lastChange > staleMs) {
        await override(lockPath, st.ino);
        continue;
      }
    }
    if (now - started >= timeoutMs) throw new LockTimeoutError(lockPath, timeoutMs);
    await sleep(wait);
    wait = Math.min(wait * 1.5, MAX_WAIT_MS);
  }
}

/** Removes a stale lock if it is still the one we judged, then pauses so a racing overrider cannot remove the next owner's lock. */
async function override(lockPath: string, ino: number): Promise<void> {
  try {
    const st = await lstat(lockPath);
    if (st.ino === ino) await unlink(lockPath);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  await sleep(10 + Math.random() * 40);
}

function makeLock(path: string, lockPath: string, fd: number, releaseKey: () => void): Dotlock {
  let done = false;
  const finish = (): void => {
    done = true;
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
    releaseKey();
  };
  return {
    path,
    lockPath,
    async touch() {
      if (done) return;
      const now = new Date();
      futimesSync(fd, now, now);
    },
    async release() {
      if (done) return true;
      let ours = false;
      try {
        const mine = fstatSync(fd);
        const current = lstatSync(lockPath);
        ours = mine.ino === current.ino && mine.dev === current.dev;
        if (ours) unlinkSync(lockPath);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) {
          finish();
          throw err;
        }
      }
      finish();
      return ours;
    },
    async replace(content) {
      if (done) throw new Error(`lock ${lockPath} already released`);
      try {
        const data = typeof content === 'string' ? Buffer.from(content) : content;
        ftruncateSync(fd, 0);
        for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset, offset);
        await syncFd(fd);
        renameSync(lockPath, path);
      } catch (err) {
        await unlink(lockPath).catch(() => undefined);
        throw err;
      } finally {
        finish();
      }
    },
  };
}
