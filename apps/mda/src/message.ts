// The spooled message as the mda reads it: its header block (bounded), and the byte stream written to each mailbox,
// with trace fields prepended and, on request, some incoming fields left out. Small messages are read from the spool
// once per attempt; larger ones are streamed to each reader without being held in memory.
import type { Readable } from 'node:stream';
import { headerLength } from '@mail/dsn';
import { parseHeader, type HeaderField } from '@mail/mime';
import { lineEnding } from './trace.js';

/** Header blocks longer than this are not parsed further (the rest is treated as body). */
export const HEAD_LIMIT = 1024 * 1024;

export type OpenMessage = () => Readable | AsyncIterable<Uint8Array>;

/** Messages up to this size are fetched from the spool once per attempt and shared by its readers. */
export const SHARED_READ_LIMIT = 256 * 1024;

/** Opens spool entry `id` of `size` octets: one Redis read for all readers when small, a fresh stream each time otherwise. */
export function spoolOpener(spool: { stream(id: string): Readable; get(id: string): Promise<Buffer> }, id: string, size: number): OpenMessage {
  if (size > SHARED_READ_LIMIT) return () => spool.stream(id);
  let whole: Promise<Buffer> | undefined;
  return () =>
    (async function* () {
      whole ??= spool.get(id);
      yield await whole;
    })();
}

export interface MessageHead {
  /** The header block: every field line, without the empty line that ends it. */
  header: Buffer;
  fields: HeaderField[];
  eol: '\r\n' | '\n';
  /** False when the header was longer than the limit (only the part read is known). */
  complete: boolean;
}

const asBuffer = (c: Uint8Array | string): Buffer => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c.buffer, c.byteOffset, c.byteLength));

/**
 * Reads chunks from `source` until the header block ends or `limit` octets have been read. Returns the bytes read
 * and where the header ends (-1: not found); the iterator is left open for the rest.
 */
async function readUntilHeaderEnd(it: AsyncIterator<Uint8Array | string>, limit: number): Promise<{ buffered: Buffer; end: number; done: boolean }> {
  let buffered: Buffer = Buffer.alloc(0);
  for (;;) {
    const next = await it.next();
    if (next.done) {
      const end = headerLength(buffered);
      return { buffered, end: end >= 0 ? end : buffered.length, done: true };
    }
    buffered = buffered.length === 0 ? asBuffer(next.value) : Buffer.concat([buffered, asBuffer(next.value)]);
    const end = headerLength(buffered);
    if (end >= 0) return { buffered, end, done: false };
    if (buffered.length > limit) return { buffered, end: -1, done: false };
  }
}

/** The message's header block and fields; reads no more of the message than it needs. */
export async function readHead(open: OpenMessage, limit = HEAD_LIMIT): Promise<MessageHead> {
  const source = open() as AsyncIterable<Uint8Array | string>;
  const it = source[Symbol.asyncIterator]();
  try {
    const { buffered, end } = await readUntilHeaderEnd(it, limit);
    const complete = end >= 0;
    let header = complete ? buffered.subarray(0, end) : buffered.subarray(0, buffered.lastIndexOf(0x0a, limit) + 1);
    if (header.length > limit) header = header.subarray(0, header.lastIndexOf(0x0a, limit - 1) + 1);
    return { header, fields: parseHeader(header), eol: lineEnding(buffered), complete };
  } finally {
    await it.return?.();
  }
}

/**
 * The bytes written to one mailbox: `prefix` (trace fields), then the message. When `drop` is given, header fields
 * whose name it accepts are left out (a header longer than the limit is passed on unchanged).
 */
export async function* deliverySource(open: OpenMessage, prefix: Buffer, drop?: (name: string, value: string) => boolean, limit = HEAD_LIMIT): AsyncGenerator<Buffer> {
  const source = open() as AsyncIterable<Uint8Array | string>;
  if (!drop) {
    yield prefix;
    for await (const chunk of source) yield asBuffer(chunk);
    return;
  }
  const it = source[Symbol.asyncIterator]();
  try {
    const { buffered, end, done } = await readUntilHeaderEnd(it, limit);
    if (end < 0) {
      yield Buffer.concat([prefix, buffered]);
    } else {
      const kept = parseHeader(buffered.subarray(0, end)).filter((f) => !drop(f.name.trim().toLowerCase(), f.value));
      yield Buffer.concat([prefix, Buffer.from(kept.map((f) => f.raw).join(''), 'latin1'), buffered.subarray(end)]);
    }
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield asBuffer(next.value);
    }
  } finally {
    await it.return?.();
  }
}
