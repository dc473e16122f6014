// Writing a message (buffer, string or stream) to a new file while counting its size and its size with CRLF line endings.
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { MessageSource } from './api.js';
import { isErrno } from './errors.js';
import { unlinkIfExists } from './fsutil.js';

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

/** Bytes gathered before a write. */
const WRITE_GATHER_BYTES = 256 * 1024;

/**
 * Writes `source` to `path` (which must not exist: O_EXCL), fsyncs it and returns its sizes.
 * `maxSize` aborts oversized input; the partial file is removed on any failure.
 */
export async function writeMessageFile(path: string, source: MessageSource, options: { maxSize?: number; mode?: number } = {}): Promise<WrittenMessage> {
  const handle = await open(path, 'wx', options.mode ?? 0o600);
  let size = 0;
  let extra = 0;
  let prevCr = false;
  // Chunks are gathered and written together (writev): a small message is one system call, however it arrives.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
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
    for await (const chunk of chunksOf(source)) {
      if (chunk.length === 0) continue;
      size += chunk.length;
      if (options.maxSize !== undefined && size > options.maxSize) throw new RangeError(`message larger than ${options.maxSize} bytes`);
      extra += bareLfCount(chunk, prevCr);
      prevCr = chunk[chunk.length - 1] === 0x0d;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_GATHER_BYTES) await flush();
    }
    await flush();
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlinkIfExists(path).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return { size, vsize: size + extra };
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
