// The next UIDVALIDITY of an account, shared with Dovecot: "dovecot-uidvalidity" (hex) plus a "dovecot-uidvalidity.<hex>" marker renamed upwards.
import { constants } from 'node:fs';
import { link, open, readdir, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isErrno } from './errors.js';
import { withKey } from './mutex.js';

export const UIDVALIDITY_NAME = 'dovecot-uidvalidity';
const RETRIES = 10;

let fallback = 0;

/** Current time in seconds, or one more than the last value handed out by this process. */
function nextFallback(): number {
  const now = Math.floor(Date.now() / 1000);
  fallback = fallback < now ? now : fallback + 1;
  return fallback >>> 0 || 1;
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * Moves the marker from `value` upwards; whoever moves it owns the new value (Dovecot's scheme). The move
 * is link + unlink rather than rename, so that a value somebody else already holds is never taken twice.
 */
async function bump(path: string, value: number): Promise<number | null> {
  let cur = value;
  for (let i = 0; i < RETRIES; i++) {
    const next = (cur + 1) >>> 0 || 1;
    try {
      await link(`${path}.${hex(cur)}`, `${path}.${hex(next)}`);
    } catch (err) {
      if (!isErrno(err, 'ENOENT', 'EEXIST')) throw err;
      cur = next;
      continue;
    }
    await unlink(`${path}.${hex(cur)}`).catch(() => undefined);
    return next;
  }
  return null;
}

async function store(path: string, value: number): Promise<void> {
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600).catch(() => null);
  if (!handle) return;
  try {
    await handle.write(hex(value), 0, 'utf8');
  } finally {
    await handle.close();
  }
}

async function rescan(path: string): Promise<number> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const values = names.filter((n) => n.startsWith(prefix) && /^[0-9a-f]{1,8}$/i.test(n.slice(prefix.length))).map((n) => parseInt(n.slice(prefix.length), 16));
  if (values.length === 0) {
    for (let i = 0; i < RETRIES; i++) {
      const value = nextFallback();
      try {
        await writeFile(`${path}.${hex(value)}`, '', { flag: 'wx', mode: 0o444 });
        await store(path, value);
        return value;
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) return value;
      }
    }
    return nextFallback();
  }
  const max = Math.max(...values);
  const min = Math.min(...values);
  if (min !== max) await unlink(`${path}.${hex(min)}`).catch(() => undefined);
  const next = await bump(path, max);
  if (next === null) return nextFallback();
  await store(path, next);
  return next;
}

/** A new UIDVALIDITY for a folder under `root`, never handed out before by us or by Dovecot. */
export async function nextUidValidity(root: string): Promise<number> {
  const path = join(root, UIDVALIDITY_NAME);
  return withKey(`uidvalidity:${path}`, () => next(path));
}

async function next(path: string): Promise<number> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(8);
      const { bytesRead } = await handle.read(buf, 0, 8, 0);
      text = buf.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    return rescan(path);
  }
  const current = /^[0-9a-fA-F]{1,8}$/.test(text) ? parseInt(text, 16) : 0;
  if (current === 0) return rescan(path);
  const next = await bump(path, current);
  if (next === null) return rescan(path);
  await store(path, next);
  return next;
}
