// Maildir++ quota: the "maildirsize" file ("<bytes>S,<count>C" header, then "<bytes> <count>" deltas), as Courier and Dovecot keep it.
import { constants } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, LockTimeoutError } from './errors.js';
import { parseMaildirName } from './filename.js';
import { statNow, statOrNull } from './fsutil.js';
import { acquireDotlock } from './lock.js';

export const MAILDIRSIZE_NAME = 'maildirsize';
/** A maildirsize this large is recalculated (Maildir++ spec). */
const MAX_FILE_BYTES = 5120;
/** An over-quota maildirsize older than this is recalculated before it is believed (Maildir++ spec). */
const STALE_MS = 15 * 60_000;

/** Limits in bytes and messages; 0 or undefined means unlimited. */
export interface QuotaLimits {
  storage?: number;
  messages?: number;
}

export interface QuotaUsage {
  storage: number;
  messages: number;
  limits: QuotaLimits;
}

export interface ParsedMaildirsize {
  limits: QuotaLimits;
  storage: number;
  messages: number;
  /** Delta lines after the header. */
  lines: number;
}

/** Parses a header such as "10000000S,1000C" (0 means unlimited); null when malformed. */
export function parseQuotaHeader(line: string): QuotaLimits | null {
  const limits: QuotaLimits = {};
  if (line.trim() === '') return limits;
  for (const part of line.split(',')) {
    const m = /^(\d+)([SC])$/.exec(part.trim());
    if (!m) return null;
    const value = Number(m[1]);
    if (value === 0) continue;
    if (m[2] === 'S') limits.storage = value;
    else limits.messages = value;
  }
  return limits;
}

/** The header Dovecot writes: "<bytes>S" (also when there are no limits at all) and ",<count>C" for a message limit. */
export function formatQuotaHeader(limits: QuotaLimits): string {
  const parts: string[] = [];
  if (limits.storage || !limits.messages) parts.push(`${limits.storage ?? 0}S`);
  if (limits.messages) parts.push(`${limits.messages}C`);
  return parts.join(',');
}

/** Parses a whole maildirsize; null when broken (the file is then recalculated). A torn last line is ignored. */
export function parseMaildirsize(text: string): ParsedMaildirsize | null {
  if (text.includes('\0')) return null;
  const end = text.lastIndexOf('\n');
  const lines = (end < 0 ? '' : text.slice(0, end)).split('\n');
  if (end < 0 || lines.length === 0) return null;
  const limits = parseQuotaHeader(lines[0] as string);
  if (!limits) return null;
  let storage = 0;
  let messages = 0;
  for (const line of lines.slice(1)) {
    const m = /^\s*(-?\d+)\s+(-?\d+)\s*$/.exec(line);
    if (!m) return null;
    storage += Number(m[1]);
    messages += Number(m[2]);
  }
  if (storage < 0 || messages < 0) return null;
  return { limits, storage, messages, lines: lines.length - 1 };
}

function sameLimits(a: QuotaLimits, b: QuotaLimits): boolean {
  return (a.storage ?? 0) === (b.storage ?? 0) && (a.messages ?? 0) === (b.messages ?? 0);
}

/** True when the usage is over a limit (after adding `extraBytes` and `extraMessages`). */
export function overQuota(usage: QuotaUsage, extraBytes = 0, extraMessages = 0): 'storage' | 'messages' | null {
  if (usage.limits.storage && usage.storage + extraBytes > usage.limits.storage) return 'storage';
  if (usage.limits.messages && usage.messages + extraMessages > usage.limits.messages) return 'messages';
  return null;
}

/** The newest mtime of the new/ and cur/ directories of all folders. */
async function newestDirMtime(root: string, folderDirs: readonly string[]): Promise<number> {
  let newest = 0;
  for (const folder of ['', ...folderDirs]) {
    for (const sub of ['new', 'cur']) {
      const st = await statOrNull(join(root, folder, sub));
      if (st) newest = Math.max(newest, Number(st.mtimeMs));
    }
  }
  return newest;
}

/** Sums message sizes (",S=" from names, stat otherwise) in new/ and cur/ of every folder under `root`. */
export async function sumMaildir(root: string, folderDirs: readonly string[]): Promise<{ storage: number; messages: number; newestMtimeMs: number }> {
  let storage = 0;
  let messages = 0;
  let newestMtimeMs = 0;
  for (const folder of ['', ...folderDirs]) {
    for (const sub of ['new', 'cur']) {
      const dir = join(root, folder, sub);
      const st = await statOrNull(dir);
      if (!st) continue;
      newestMtimeMs = Math.max(newestMtimeMs, Number(st.mtimeMs));
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if (isErrno(err, 'ENOENT', 'ENOTDIR')) continue;
        throw err;
      }
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const parsed = parseMaildirName(name);
        let size = parsed.size;
        if (size === undefined) {
          const fst = await statOrNull(join(dir, name));
          if (!fst) continue;
          size = Number(fst.size);
        }
        storage += size;
        messages++;
      }
    }
  }
  return { storage, messages, newestMtimeMs };
}

/**
 * The maildirsize of one account. `limits` are the configured ones; when undefined the header of an
 * existing file is used (Dovecot's behaviour without configured limits) and no file is created.
 */
export class MaildirQuota {
  readonly path: string;

  constructor(
    readonly root: string,
    private readonly listFolderDirs: () => Promise<string[]>,
  ) {
    this.path = join(root, MAILDIRSIZE_NAME);
  }

  /**
   * The usage to check a write of `bytes` and `messages` against, or null when no limit applies (none
   * configured and no maildirsize header with one): then nothing is counted at all.
   */
  async forCheck(limits: QuotaLimits | undefined): Promise<QuotaUsage | null> {
    if (limits === undefined) {
      // Most accounts have no maildirsize: a failed open would cost a thread-pool round trip and an error.
      if (!statNow(this.path)) return null;
      let text: string;
      try {
        text = await readFile(this.path, 'utf8');
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return null;
        throw err;
      }
      const nl = text.indexOf('\n');
      const header = parseQuotaHeader(nl < 0 ? text : text.slice(0, nl));
      if (!header || (!header.storage && !header.messages)) return null;
    } else if (!limits.storage && !limits.messages) {
      return null;
    }
    return this.usage(limits);
  }

  /** Current usage, recalculating the file when the Maildir++ rules say it is stale. */
  async usage(limits?: QuotaLimits): Promise<QuotaUsage> {
    let text: string | null = null;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    const parsed = text === null ? null : parseMaildirsize(text);
    const effective = limits ?? parsed?.limits;
    if (parsed && text !== null && effective && !this.mustRecalculate(parsed, text, effective, await statOrNull(this.path))) {
      return { storage: parsed.storage, messages: parsed.messages, limits: effective };
    }
    const sum = await sumMaildir(this.root, await this.listFolderDirs());
    const usage = { storage: sum.storage, messages: sum.messages, limits: effective ?? {} };
    // Without configured limits and without a file there is nothing to keep up to date.
    if (effective !== undefined) await this.write(usage, sum.newestMtimeMs);
    return usage;
  }

  private mustRecalculate(parsed: ParsedMaildirsize, text: string, limits: QuotaLimits, st: Awaited<ReturnType<typeof statOrNull>>): boolean {
    if (Buffer.byteLength(text) >= MAX_FILE_BYTES) return true;
    if (!sameLimits(parsed.limits, limits)) return true;
    if (parsed.lines === 0) return true;
    const over = (limits.storage && parsed.storage > limits.storage) || (limits.messages && parsed.messages > limits.messages);
    if (over && (parsed.lines > 1 || !st || Date.now() - Number(st.mtimeMs) > STALE_MS)) return true;
    return false;
  }

  /** Rewrites the file via its dot-lock, unless a folder changed while we counted (then the next reader recounts). */
  private async write(usage: QuotaUsage, countedUpTo: number): Promise<void> {
    let lock;
    try {
      lock = await acquireDotlock(this.path, { staleMs: 30_000, timeoutMs: 0 });
    } catch (err) {
      if (err instanceof LockTimeoutError || isErrno(err, 'ENOENT')) return; // someone else is recounting
      throw err;
    }
    if ((await newestDirMtime(this.root, await this.listFolderDirs())) > countedUpTo) {
      await lock.release();
      return;
    }
    await lock.replace(`${formatQuotaHeader(usage.limits)}\n${usage.storage} ${usage.messages}\n`);
  }

  /** Records a change of `bytes` and `messages` with one O_APPEND write; a missing file is left for the next recount. */
  async add(bytes: number, messages: number): Promise<void> {
    if (bytes === 0 && messages === 0) return;
    if (!statNow(this.path)) return;
    let handle;
    try {
      handle = await open(this.path, constants.O_WRONLY | constants.O_APPEND);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    try {
      await handle.write(`${bytes} ${messages}\n`);
    } finally {
      await handle.close();
    }
  }
}
