// Writing a message (buffer, string or stream) to a new file while counting its size and its size with CRLF line endings.
import { closeSync, constants, futimesSync, openSync, writeSync, writevSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { MessageSource } from './api.js';
import { isErrno } from './errors.js';
import { syncFd, unlinkIfExists } from './fsutil.js';

export interface WrittenMessage {
  size: number;
  /** Size with every bare LF counted as CRLF (IMAP RFC822.SIZE, POP3 sizes, Dovecot's W=). */
  vsize: number;
}

/** Counts the extra bytes CRLF conversion adds: LFs not preceded by CR. `prevCr` says whether the previous chunk ended in CR. */
export function bareLfCount(chunk: Uint8Array, prevCr: boolean): number {
  let count = 0;
  let idx = chunk.indexOf(0x0a);
  while (idx >= 0) {
    const before = idx === 0 ? prevCr : chunk[idx - 1] === 0x0d;
    if (!before) count++;
    idx = chunk.indexOf(0x0a, idx + 1);
  }
  return count;
}

async function* chunksOf(source: MessageSource): AsyncIterable<Uint8Array> {
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
  } else if (source instanceof Uint8Array) {
    yield source;
  } else {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    }
  }
}

/** Bytes gathered before a write; a message no larger is written by the synchronous path below. */
const WRITE_GATHER_BYTES = 256 * 1024;

export interface WriteOptions {
  maxSize?: number;
  mode?: number;
  /** Modification time to give the file (ms), before it is synced. */
  mtime?: number;
}

/**
 * Writes `source` to `path` (which must not exist: O_EXCL), fsyncs it and returns its sizes.
 * `maxSize` aborts oversized input; the partial file is removed on any failure.
 *
 * A message that fits in WRITE_GATHER_BYTES (nearly every delivery) is gathered first and written with
 * synchronous calls: open, one writev, futimes, close, each a few microseconds for a small file, where every
 * call through the promise API is a round trip through libuv's thread pool. Only the fsync, which waits for
 * the disk, still runs there. Larger messages stream through the thread pool in WRITE_GATHER_BYTES writes.
 */
export async function writeMessageFile(path: string, source: MessageSource, options: WriteOptions = {}): Promise<WrittenMessage> {
  const it = chunksOf(source)[Symbol.asyncIterator]();
  let size = 0;
  let extra = 0;
  let prevCr = false;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  /** The next chunk into `pending`; false at the end of the source. */
  const gather = async (): Promise<boolean> => {
    const next = await it.next();
    if (next.done) return false;
    const chunk = next.value;
    if (chunk.length === 0) return true;
    size += chunk.length;
    if (options.maxSize !== undefined && size > options.maxSize) throw new RangeError(`message larger than ${options.maxSize} bytes`);
    extra += bareLfCount(chunk, prevCr);
    prevCr = chunk[chunk.length - 1] === 0x0d;
    pending.push(chunk);
    pendingBytes += chunk.length;
    return true;
  };
  let ended = false;
  try {
    while (pendingBytes < WRITE_GATHER_BYTES) {
      if (!(await gather())) {
        ended = true;
        break;
      }
    }
  } catch (err) {
    await it.return?.();
    throw err;
  }
  if (ended) {
    await writeSmallFile(path, pending, options);
    return { size, vsize: size + extra };
  }
  const handle = await open(path, 'wx', options.mode ?? 0o600);
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const buffers = pending;
    const total = pendingBytes;
    pending = [];
    pendingBytes = 0;
    const { bytesWritten } = await handle.writev(buffers);
    if (bytesWritten === total) return;
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    for (let offset = 0; offset < rest.length; ) offset += (await handle.write(rest, offset, rest.length - offset)).bytesWritten;
  };
  try {
    await flush();
    while (await gather()) if (pendingBytes >= WRITE_GATHER_BYTES) await flush();
    await flush();
    if (options.mtime !== undefined) await handle.utimes(options.mtime / 1000, options.mtime / 1000);
    await handle.sync();
  } catch (err) {
    await it.return?.();
    await handle.close().catch(() => undefined);
    await unlinkIfExists(path).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return { size, vsize: size + extra };
}

/** The synchronous path of writeMessageFile: the whole message is in `buffers`; only the fsync leaves this thread. */
async function writeSmallFile(path: string, buffers: Uint8Array[], options: WriteOptions): Promise<void> {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, options.mode ?? 0o600);
  try {
    const total = buffers.reduce((n, b) => n + b.length, 0);
    const written = buffers.length > 0 ? writevSync(fd, buffers) : 0;
    if (written < total) {
      const rest = Buffer.concat(buffers).subarray(written);
      for (let offset = 0; offset < rest.length; ) offset += writeSync(fd, rest, offset, rest.length - offset);
    }
    if (options.mtime !== undefined) futimesSync(fd, options.mtime / 1000, options.mtime / 1000);
    await syncFd(fd);
  } catch (err) {
    closeSync(fd);
    await unlinkIfExists(path).catch(() => undefined);
    throw err;
  }
  closeSync(fd);
}

/** Size and CRLF size of an existing file, read once (for files whose names carry no ",S=" / ",W="); null when gone. */
export async function countSizes(path: string): Promise<WrittenMessage | null> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ELOOP')) return null;
    throw err;
  }
  try {
    let size = 0;
    let extra = 0;
    let prevCr = false;
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      extra += bareLfCount(chunk, prevCr);
      prevCr = chunk[chunk.length - 1] === 0x0d;
    }
    return { size, vsize: size + extra };
  } finally {
    await handle.close();
  }
}

/** A file's mtime in milliseconds (Dovecot's internal date of a Maildir message), or undefined when gone. */
export async function statMtime(path: string): Promise<number | undefined> {
  try {
    return Number((await stat(path)).mtimeMs);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}
