// Reading just the header block of a message from a stream (smtpd header scan, mda loop detection), bounded in size.
import { headerEnd, parseHeader, type HeaderField } from './header.js';

export class HeaderTooLargeError extends Error {
  override readonly name = 'HeaderTooLargeError';
  constructor(readonly limit: number) {
    super(`message header larger than ${limit} octets`);
  }
}

export interface ReadHeaderResult {
  fields: HeaderField[];
  /** Octets of the header block, the empty line included when there is one. */
  headerSize: number;
  /** Octets read past the header (the start of the body); the caller continues with these, then the source. */
  rest: Buffer;
  /** True when the source ended before an empty line (a message without body). */
  ended: boolean;
}

/**
 * Reads from `source` until the empty line that ends the header and parses the fields. Reads at most `maxBytes`
 * octets of header (throws HeaderTooLargeError beyond); the octets after the header are returned, not lost.
 */
export async function readHeader(
  source: AsyncIterable<Uint8Array | string>,
  options: { maxBytes?: number } = {},
): Promise<ReadHeaderResult> {
  const max = options.maxBytes ?? 1 << 20;
  const iterator = source[Symbol.asyncIterator]();
  let text = '';
  let scanned = 0;
  for (;;) {
    // the empty line is a LF directly followed by CRLF or LF (or the block starts with one)
    let found = -1;
    for (let i = Math.max(0, scanned - 2); i < text.length; i++) {
      const atStart = i === 0 || text.charCodeAt(i - 1) === 0x0a;
      if (!atStart) continue;
      if (text.charCodeAt(i) === 0x0a || (text.charCodeAt(i) === 0x0d && text.charCodeAt(i + 1) === 0x0a)) {
        found = i;
        break;
      }
    }
    scanned = text.length;
    if (found >= 0) {
      const { bodyStart } = headerEnd(text);
      return { fields: parseHeader(text.slice(0, bodyStart)), headerSize: bodyStart, rest: Buffer.from(text.slice(bodyStart), 'latin1'), ended: false };
    }
    if (text.length > max) throw new HeaderTooLargeError(max);
    const next = await iterator.next();
    if (next.done) {
      return { fields: parseHeader(text), headerSize: text.length, rest: Buffer.alloc(0), ended: true };
    }
    const chunk = next.value;
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
  }
}
