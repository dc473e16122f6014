// Dovecot-compatible dot-locks: "<file>.lock" holding "<pid>:<host>", linked from a file of the process in the
// folder's tmp/ or created with O_EXCL, with Dovecot's stale-lock rules.
import { closeSync, fstatSync, ftruncateSync, futimesSync, linkSync, lstatSync, openSync, renameSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { lstat, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { isErrno, LockTimeoutError } from './errors.js';
import { atomicWriteFile, syncFd } from './fsutil.js';
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
    const held = await createLock(path, lockPath, host, staleMs, timeoutMs);
    return makeLock(path, lockPath, held, releaseKey);
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

// The lock's own file operations (link or create, write, stat, unlink, close, rename) are synchronous: each is one
// quick call on a small file, where the promise API would make each a round trip through libuv's thread pool, and a
// flag change or delivery takes and drops a lock every time. Only the syncs of replace() wait in the pool.

/**
 * A lock file as created: by link() from this process's template (which keeps the inode) or by an exclusive
 * create (which keeps a descriptor).
 */
type Held = { fd: number } | { template: LockTemplate };

/** A file in a folder's tmp/ holding "<pid>:<host>", hard-linked to each lock name this process takes there. */
interface LockTemplate {
  path: string;
  ino: number;
}

/**
 * Templates by lock directory; null where links cannot be made. A link is the dot-lock Dovecot takes on NFS
 * (dotlock_use_excl=no): under a write load it costs a fraction of creating a file, which allocates an inode
 * and frees it again at release, and both wait for the disk when its metadata is being written back.
 */
const templates = new Map<string, LockTemplate | null>();
/** Templates kept at most; the oldest one's file is removed when another is made. */
const MAX_TEMPLATES = 512;
let exitHook = false;

function lockTemplate(dir: string, host: string): LockTemplate | null {
  const known = templates.get(dir);
  if (known !== undefined) {
    templates.delete(dir);
    templates.set(dir, known);
    return known;
  }
  const path = join(dir, 'tmp', `dotlock.P${process.pid}.${host.replace(/[/:]/g, '_')}`);
  let template: LockTemplate | null = null;
  try {
    const fd = openSync(path, 'w', 0o666);
    try {
      writeSync(fd, `${process.pid}:${host}`);
      template = { path, ino: fstatSync(fd).ino };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    // No tmp/ beside the file (not a Maildir folder), or none we may write: exclusive creates there.
    if (!isErrno(err, 'ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EISDIR')) throw err;
  }
  templates.set(dir, template);
  if (templates.size > MAX_TEMPLATES) forgetTemplate(templates.keys().next().value as string);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', removeTemplates);
  }
  return template;
}

function forgetTemplate(dir: string): void {
  const template = templates.get(dir);
  templates.delete(dir);
  if (!template) return;
  try {
    if (lstatSync(template.path).ino === template.ino) unlinkSync(template.path);
  } catch {
    // gone already
  }
}

/** Removes this process's template files (at exit; a crash leaves them to the cleaning of tmp/). */
export function removeTemplates(): void {
  for (const dir of [...templates.keys()]) forgetTemplate(dir);
}

/** Links the template to `lockPath`: the lock, false when it is taken, null when this directory cannot have links. */
function linkLock(lockPath: string, host: string): Held | false | null {
  const dir = dirname(lockPath);
  for (let attempt = 0; attempt < 2; attempt++) {
    const template = lockTemplate(dir, host);
    if (!template) return null;
    try {
      linkSync(template.path, lockPath);
      return { template };
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      // The template was cleaned away (or the folder went): make it again, once.
      if (isErrno(err, 'ENOENT')) {
        forgetTemplate(dir);
        continue;
      }
      if (!isErrno(err, 'EPERM', 'EXDEV', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS')) throw err;
      forgetTemplate(dir);
      templates.set(dir, null);
      return null;
    }
  }
  return null;
}

/** The lock file made with O_EXCL, holding our owner; null when it exists. */
function createExclusive(lockPath: string, host: string): number | null {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o666);
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return null;
    throw err;
  }
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
}

async function createLock(path: string, lockPath: string, host: string, staleMs: number, timeoutMs: number): Promise<Held> {
  const started = Date.now();
  let wait = MIN_WAIT_MS + Math.random() * MIN_WAIT_MS;
  let lockSig = '';
  let fileSig = '';
  let lastChange = 0;
  for (;;) {
    const linked = linkLock(lockPath, host);
    if (linked) return linked;
    if (linked === null) {
      const fd = createExclusive(lockPath, host);
      if (fd !== null) return { fd };
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
        await override(lockPath, st);
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
        await override(lockPath, st);
        continue;
      }
    }
    if (now - started >= timeoutMs) throw new LockTimeoutError(lockPath, timeoutMs);
    await sleep(wait);
    wait = Math.min(wait * 1.5, MAX_WAIT_MS);
  }
}

/**
 * Removes a stale lock if it is still the one we judged (same inode, not linked or changed since: a linked
 * lock's inode is its owner's for every lock), then pauses so a racing overrider cannot remove the next owner's lock.
 */
async function override(lockPath: string, judged: { ino: number; ctimeMs: number }): Promise<void> {
  try {
    const st = await lstat(lockPath);
    if (st.ino === judged.ino && st.ctimeMs === judged.ctimeMs) await unlink(lockPath);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  await sleep(10 + Math.random() * 40);
}

function makeLock(path: string, lockPath: string, held: Held, releaseKey: () => void): Dotlock {
  let done = false;
  const finish = (): void => {
    done = true;
    if ('fd' in held) {
      try {
        closeSync(held.fd);
      } catch {
        // already closed: nothing to release
      }
    }
    releaseKey();
  };
  /** Whether the lock file is still the one we made (nobody took it over meanwhile). */
  const ours = (): boolean => {
    const current = lstatSync(lockPath);
    if ('template' in held) return current.ino === held.template.ino;
    const mine = fstatSync(held.fd);
    return mine.ino === current.ino && mine.dev === current.dev;
  };
  const release = async (): Promise<boolean> => {
    if (done) return true;
    let mine = false;
    try {
      mine = ours();
      if (mine) unlinkSync(lockPath);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) {
        finish();
        throw err;
      }
    }
    finish();
    return mine;
  };
  return {
    path,
    lockPath,
    async touch() {
      if (done) return;
      const now = new Date();
      if ('fd' in held) futimesSync(held.fd, now, now);
      else if (ours()) utimesSync(lockPath, now, now);
    },
    release,
    async replace(content) {
      if (done) throw new Error(`lock ${lockPath} already released`);
      const data = typeof content === 'string' ? Buffer.from(content) : content;
      if ('template' in held) {
        // The linked inode is the template's: the new contents go into a file of their own, renamed over the
        // protected file while the lock is still held, and the lock is then released.
        try {
          await atomicWriteFile(path, data, { syncDir: false });
        } finally {
          await release();
        }
        return;
      }
      try {
        ftruncateSync(held.fd, 0);
        for (let offset = 0; offset < data.length; ) offset += writeSync(held.fd, data, offset, data.length - offset, offset);
        await syncFd(held.fd);
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
