// A directory lock (mkdir is atomic) so that daemons starting together generate one certificate, not one each.
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TlsError } from './errors.js';

/** A lock older than this is taken to belong to a process that died while holding it. */
const STALE_AFTER = 60_000;

/** Runs `fn` while holding the lock directory `path`, waiting up to `timeout` ms for another holder to finish. */
export async function withDirLock<T>(path: string, fn: () => Promise<T>, timeout = 90_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await mkdir(path, { mode: 0o700 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await stat(path).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_AFTER) {
      await rmdir(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new TlsError(`lock ${path} is held by another process`, 'ERR_TLS_LOCKED');
    await sleep(50 + Math.floor(Math.random() * 50));
  }
  try {
    return await fn();
  } finally {
    await rmdir(path).catch(() => undefined);
  }
}
