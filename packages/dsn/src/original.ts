// The returned original: the whole message as it is, or only its header block (bounded, CRLF line ends).
import type { DsnOriginal } from './types.js';

/** Reads the original's octets chunk by chunk. */
export async function* originalChunks(original: DsnOriginal): AsyncGenerator<Buffer> {
  const { content } = original;
  if (content instanceof Uint8Array) {
    yield Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    return;
  }
  for await (const chunk of content() as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/**
 * Length of the header block at the start of `buf` (up to and including the line end of its last field), or -1
 * when `buf` does not yet show where it ends. A message that starts with an empty line has an empty header.
 */
export function headerLength(buf: Buffer): number {
  if (buf[0] === 0x0a || (buf[0] === 0x0d && buf[1] === 0x0a)) return 0;
  let from = 0;
  for (;;) {
    const lf = buf.indexOf(0x0a, from);
    if (lf < 0 || lf + 1 >= buf.length) return -1;
    const next = buf[lf + 1];
    if (next === 0x0a) return lf + 1;
    if (next === 0x0d) {
      if (lf + 2 >= buf.length) return -1;
      if (buf[lf + 2] === 0x0a) return lf + 1;
    }
    from = lf + 1;
  }
}

/** Bare LF (and lone CR) line ends become CRLF. */
export function toCrlf(buf: Buffer): Buffer {
  return Buffer.from(buf.toString('latin1').replace(/\r?\n|\r(?!\n)/g, '\r\n'), 'latin1');
}

/**
 * The original's header block, read only as far as needed and at most `limit` octets (cut at a line end), with
 * CRLF line ends; the source is closed after that. A message with no body gives all of itself.
 */
export async function originalHeader(original: DsnOriginal, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  let end = -1;
  for await (const chunk of originalChunks(original)) {
    parts.push(chunk);
    total += chunk.length;
    const buf = Buffer.concat(parts, total);
    parts.length = 0;
    parts.push(buf);
    end = headerLength(buf);
    if (end >= 0 || total > limit) break;
  }
  let header = parts[0] ?? Buffer.alloc(0);
  if (end >= 0) header = header.subarray(0, end);
  if (header.length > limit) {
    const cut = header.lastIndexOf(0x0a, limit - 1);
    header = header.subarray(0, cut + 1);
  }
  header = toCrlf(header);
  if (header.length > 0 && header[header.length - 1] !== 0x0a) header = Buffer.concat([header, Buffer.from('\r\n')]);
  return header;
}
