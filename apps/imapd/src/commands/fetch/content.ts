// Message octets for FETCH: sections resolved against the cached structure, CRLF line endings as IMAP requires
// (RFC 9051 §2.3.1: sizes and octets are in CRLF form), partial ranges, BINARY decoding (RFC 3516), and the whole
// message streamed through an LF → CRLF converter.
import { Transform, type Readable } from 'node:stream';
import type { MailFolder } from '@mail/maildir';
import { decodeBody, filterHeaderFields, findPart, sectionRange, UnknownEncodingError } from '@mail/mime';
import { takeBuffer } from '../../buffer-pool.js';
import { ImapNo } from '../../errors.js';
import type { BodySection, PartialRange, StreamedLiteral } from '../../protocol/index.js';
import type { CachedHeader, CachedMessage } from './cache.js';

/** Offsets of the LFs in `data` not preceded by CR (`lastCr`: whether the octet before `data` was a CR). */
function bareLfs(data: Buffer, lastCr: boolean): number[] {
  const at: number[] = [];
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) {
    if (i === 0 ? !lastCr : data[i - 1] !== 0x0d) at.push(i);
  }
  return at;
}

/** `data` with a CR inserted before each of the LFs at `at`. */
function insertCrs(data: Buffer, at: readonly number[]): Buffer {
  if (at.length === 0) return data;
  const out = Buffer.allocUnsafe(data.length + at.length);
  let o = 0;
  let from = 0;
  for (const i of at) {
    o += data.copy(out, o, from, i);
    out[o++] = 0x0d;
    from = i;
  }
  data.copy(out, o, from);
  return out;
}

/** Bare LF → CRLF. */
export function toCrlf(data: Buffer): Buffer {
  return insertCrs(data, bareLfs(data, false));
}

/**
 * Bare LF → CRLF inside `buf`, whose first `length` octets are the data: the data moves back from its end, one
 * stretch between two bare LFs at a time, so the result needs no buffer of its own. Returns the CRLF length, or -1
 * (and leaves `buf` as it was) when the result does not fit in `buf`.
 */
export function toCrlfInPlace(buf: Buffer, length: number): number {
  const data = buf.subarray(0, length);
  const at = bareLfs(data, false);
  const total = length + at.length;
  if (total > buf.length) return -1;
  let end = length;
  for (let k = at.length - 1; k >= 0; k--) {
    const lf = at[k] as number;
    // The octets from this LF up to `end` land k + 1 places further on, after the CR that goes before the LF.
    buf.copyWithin(lf + k + 1, lf, end);
    buf[lf + k] = 0x0d;
    end = lf;
  }
  return total;
}

class CrlfStream extends Transform {
  private lastCr = false;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    const at = bareLfs(chunk, this.lastCr);
    if (chunk.length > 0) this.lastCr = chunk[chunk.length - 1] === 0x0d;
    cb(null, insertCrs(chunk, at));
  }
}

async function readRange(folder: MailFolder, uid: number, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  // Up to IN_MEMORY octets are read at once into a buffer of their own (a few system calls from the page cache,
  // no stream); the buffer is handed on with the response, so it is not reused.
  const { stream, data } = await folder.read(uid, { start, end, ...(end - start <= IN_MEMORY ? { into: Buffer.allocUnsafe(end - start) } : {}) });
  if (data) {
    stream.destroy();
    return data;
  }
  return collect(stream as Readable);
}

export function applyPartial(data: Buffer, partial: PartialRange | null): Buffer {
  if (!partial) return data;
  return data.subarray(Math.min(partial.offset, data.length), Math.min(partial.offset + partial.length, data.length));
}

/** Messages up to this size (in CRLF form) are sent from memory, larger ones streamed. */
const IN_MEMORY = 256 * 1024;

/**
 * The whole message in CRLF form, `crlfSize` octets exactly (the size announced in the literal is binding: padded
 * with spaces or cut, as Connection does for streams); a stream for large messages.
 */
export async function wholeMessage(folder: MailFolder, uid: number, crlfSize: number): Promise<StreamedLiteral | Buffer> {
  if (crlfSize > IN_MEMORY) {
    const { stream } = await folder.read(uid);
    return { stream: (stream as Readable).pipe(new CrlfStream()), size: crlfSize };
  }
  // The stored form is never longer than the CRLF form: the first crlfSize octets hold all that is sent. They are
  // read into a buffer of the CRLF size and widened there, which is the answer when the sizes agree.
  const buf = takeBuffer(crlfSize);
  const { stream, data } = await folder.read(uid, { start: 0, end: crlfSize, into: buf });
  if (!data) return exactly(toCrlf(await collect(stream)), crlfSize);
  stream.destroy();
  const length = toCrlfInPlace(buf, data.length);
  if (length < 0) return exactly(toCrlf(data), crlfSize);
  if (length < crlfSize) buf.fill(0x20, length);
  return buf;
}

/** `data` cut or padded with spaces to `size` octets. */
function exactly(data: Buffer, size: number): Buffer {
  if (data.length === size) return data;
  if (data.length > size) return data.subarray(0, size);
  return Buffer.concat([data, Buffer.alloc(size - data.length, 0x20)]);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** BODY[section] octets in CRLF form (before any partial range). */
export async function sectionContent(folder: MailFolder, uid: number, m: CachedMessage, section: BodySection): Promise<Buffer> {
  const range = sectionRange(m.structure, { path: [...section.part], text: section.text, fields: [...section.fields] });
  if (!range) return Buffer.alloc(0);
  let data = await readRange(folder, uid, range.start, range.end);
  if (range.fields) data = filterHeaderFields(data, range.fields.names, range.fields.not);
  return toCrlf(data);
}

/** Whether a section is the top-level header (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT): served from the header cache. */
export const isTopHeader = (section: BodySection): boolean => section.part.length === 0 && section.text !== null && section.text.startsWith('HEADER');

/** Renderings of one header kept per message: a client asks for the same field list message after message. */
const RENDERINGS = 4;

/** A top-level header section in CRLF form, from the header block alone (the result is shared: do not modify it). */
export function topHeaderContent(header: CachedHeader, section: BodySection): Buffer {
  const key = section.text === 'HEADER' ? 'HEADER' : `${section.text} ${section.fields.join(' ').toUpperCase()}`;
  const kept = header.renderings?.get(key);
  if (kept) return kept;
  let data = header.raw;
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') data = filterHeaderFields(data, section.fields, section.text === 'HEADER.FIELDS.NOT');
  const out = toCrlf(data);
  header.renderings ??= new Map();
  if (header.renderings.size < RENDERINGS) header.renderings.set(key, out);
  return out;
}

/** BINARY[part]: the part's body with its Content-Transfer-Encoding removed (RFC 3516). */
export async function binaryContent(folder: MailFolder, uid: number, m: CachedMessage, part: readonly number[]): Promise<Buffer> {
  if (part.length === 0) return toCrlf(await readRange(folder, uid, 0, m.structure.size));
  const p = findPart(m.structure, part);
  if (!p) throw new ImapNo('NONEXISTENT', 'No such part');
  if (p.kind === 'multipart' || p.kind === 'message') return toCrlf(await readRange(folder, uid, p.bodyStart, p.bodyEnd));
  const raw = await readRange(folder, uid, p.bodyStart, p.bodyEnd);
  try {
    const decoded = decodeBody(raw, p.encoding);
    return p.kind === 'text' ? toCrlf(decoded) : decoded;
  } catch (err) {
    if (err instanceof UnknownEncodingError) throw new ImapNo('UNKNOWN-CTE', 'Unknown Content-Transfer-Encoding');
    throw err;
  }
}
