// Safe file updates for the directory's text files: write a temporary file in the same directory, fsync, rename
// over the original (readers see the old or the new file, never half of one), and an exclusive lock file so
// that concurrent writers take turns instead of losing each other's change.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DirectoryError } from './errors.js';

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Replaces `path` with `data` atomically, keeping the original's mode and (as root) owner; `mode` for a new file. */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const old = await stat(path).catch((err: unknown) => {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', old ? old.mode & 0o7777 : mode);
  try {
    try {
      await fh.writeFile(data, 'utf8');
      await fh.chmod(old ? old.mode & 0o7777 : mode); // not narrowed by the umask
      if (old && process.getuid?.() === 0 && (old.uid !== 0 || old.gid !== 0)) await fh.chown(old.uid, old.gid);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is taken over, whoever holds it (default 60 s; writes take milliseconds). */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

function parseOwner(text: string): LockOwner | null {
  const [pid, host, token] = text.trim().split(' ');
  return pid && host && token && /^\d+$/.test(pid) ? { pid: Number(pid), host, token } : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM';
  }
}

/** Moves a stale lock aside; if it turns out to be another (fresh) lock, puts it back. */
async function breakLock(path: string, staleToken: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if (errno(err) === 'ENOENT') return;
    throw err;
  }
  const owner = parseOwner(await readFile(aside, 'utf8').catch(() => ''));
  if (owner && owner.token !== staleToken) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Takes the lock file `path` (created with O_EXCL, holding "pid host token"). A lock whose process is gone
 * (same host) or that is older than `staleMs` is taken over. Returns the release function.
 * Throws DirectoryError LOCKED after `timeoutMs`.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.writeFile(`${me.pid} ${me.host} ${me.token}\n`);
      } finally {
        await fh.close();
      }
      return async () => {
        const owner = parseOwner(await readFile(path, 'utf8').catch(() => ''));
        if (owner?.token === me.token) await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw new DirectoryError('IO', `cannot create lock ${path}: ${(err as Error).message}`, { cause: err });
    }
    const [text, st] = await Promise.all([readFile(path, 'utf8').catch(() => ''), stat(path).catch(() => undefined)]);
    const owner = parseOwner(text);
    const dead = owner !== null && owner.host === me.host && !isAlive(owner.pid);
    const old = st !== undefined && Date.now() - st.mtimeMs > staleMs;
    // An empty lock file younger than a moment is still being written by its owner.
    if (owner && (dead || old)) {
      await breakLock(path, owner.token);
      continue;
    }
    if (!owner && old) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new DirectoryError('LOCKED', `${path} is held by ${owner ? `process ${owner.pid} on ${owner.host}` : 'another writer'}; try again`);
    }
    await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
  }
}

/** Runs `fn` while holding the lock file `path`. */
export async function withLock<T>(path: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  const release = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await release();
  }
}
