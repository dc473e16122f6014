// Content-Transfer-Encoding decoding (RFC 2045 §6) as streams, for IMAP BINARY[section] and BINARY.SIZE (RFC 3516).
import { Transform, type TransformCallback } from 'node:stream';
import type { MimePart } from './types.js';

export class UnknownEncodingError extends Error {
  override readonly name = 'UnknownEncodingError';
  constructor(readonly encoding: string) {
    super(`unknown Content-Transfer-Encoding: ${encoding}`);
  }
}

const B64 = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));

/** Streaming base64 decoder: characters outside the alphabet are skipped, padding ends a quantum. */
export class Base64Decoder extends Transform {
  private acc = 0;
  private bits = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out = Buffer.allocUnsafe(Math.ceil((chunk.length * 3) / 4) + 3);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x3d) {
        // padding: drop the partial quantum's leftover bits
        this.acc = 0;
        this.bits = 0;
        continue;
      }
      const v = B64[c]!;
      if (v < 0) continue;
      this.acc = ((this.acc << 6) | v) & 0xffffff;
      this.bits += 6;
      if (this.bits >= 8) {
        this.bits -= 8;
        out[n++] = (this.acc >> this.bits) & 0xff;
      }
    }
    if (n > 0) this.push(out.subarray(0, n));
    done();
  }

  override _flush(done: TransformCallback): void {
    done();
  }
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Streaming quoted-printable decoder: `=XX` (either case) decoded, soft line breaks removed, trailing whitespace
 * of lines dropped (RFC 2045 §6.7 rule 3), malformed `=` sequences kept as they are. Line breaks are kept as stored.
 */
export class QuotedPrintableDecoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private readonly crlf: boolean;

  constructor(options: DecodeOptions = {}) {
    super();
    this.crlf = options.crlf ?? false;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const lastLf = data.lastIndexOf(0x0a);
    if (lastLf < 0 && data.length < 1 << 16) {
      this.pending = data;
      return done();
    }
    let cut = lastLf + 1;
    if (lastLf < 0) {
      // an overlong line: decode up to a point that does not split an =XX escape
      cut = data.length - 2;
      while (cut > 0 && (data[cut - 1] === 0x3d || data[cut - 2] === 0x3d)) cut--;
    }
    this.pending = Buffer.from(data.subarray(cut));
    this.push(decodeQpLines(data.subarray(0, cut), lastLf < 0, this.crlf));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 0) this.push(decodeQpLines(this.pending, false, this.crlf));
    done();
  }
}

function decodeQpLines(data: Buffer, partial: boolean, crlf: boolean): Buffer {
  const out = Buffer.allocUnsafe(data.length * 2);
  let n = 0;
  let pos = 0;
  while (pos < data.length) {
    let lf = data.indexOf(0x0a, pos);
    const hasLf = lf >= 0;
    if (!hasLf) lf = data.length;
    let end = lf;
    let eolStart = lf;
    if (hasLf && end > pos && data[end - 1] === 0x0d) eolStart = --end;
    if (!partial || hasLf) while (end > pos && (data[end - 1] === 0x20 || data[end - 1] === 0x09)) end--;
    let soft = false;
    for (let i = pos; i < end; i++) {
      const c = data[i]!;
      if (c !== 0x3d) {
        out[n++] = c;
        continue;
      }
      if (i + 1 === end && (hasLf || !partial)) {
        soft = true;
        break;
      }
      const h = hex(data[i + 1] ?? -1);
      const l = hex(data[i + 2] ?? -1);
      if (h >= 0 && l >= 0 && i + 2 < end) {
        out[n++] = (h << 4) | l;
        i += 2;
      } else out[n++] = c;
    }
    if (hasLf && !soft) {
      if (crlf) {
        out[n++] = 0x0d;
        out[n++] = 0x0a;
      } else for (let i = eolStart; i <= lf; i++) out[n++] = data[i]!;
    }
    pos = lf + 1;
  }
  return out.subarray(0, n);
}

/** 7bit, 8bit and binary bodies: octets as they are (bare LF made CRLF, NUL made 0x80, when asked). */
export class IdentityDecoder extends Transform {
  private readonly crlf: boolean;
  private readonly replaceNul: boolean;
  private lastCr = false;

  constructor(options: DecodeOptions = {}) {
    super();
    this.crlf = options.crlf ?? false;
    this.replaceNul = options.replaceNul ?? false;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.crlf && !this.replaceNul) return done(null, chunk);
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.crlf && c === 0x0a && !(i > 0 ? chunk[i - 1] === 0x0d : this.lastCr)) out[n++] = 0x0d;
      out[n++] = c === 0 && this.replaceNul ? 0x80 : c;
    }
    if (chunk.length > 0) this.lastCr = chunk[chunk.length - 1] === 0x0d;
    done(null, out.subarray(0, n));
  }

  override _flush(done: TransformCallback): void {
    done();
  }
}

export interface DecodeOptions {
  /**
   * Write line breaks of text as CRLF: quoted-printable hard line breaks, and bare LFs of 7bit/8bit/binary bodies
   * (for messages stored with LF line endings). Base64 output is never changed.
   */
  crlf?: boolean;
  /**
   * Replace NUL octets of 7bit/8bit/binary data with 0x80, as IMAP literals may not contain NUL (RFC 3501 §4.3)
   * and Dovecot does. With `crlf`, `new IdentityDecoder({ crlf: true, replaceNul: true })` turns stored octets of
   * a BODY[section] into what is sent.
   */
  replaceNul?: boolean;
}

/** A stream that decodes a body written in `encoding` (null means 7bit). Throws UnknownEncodingError. */
export function decoderFor(encoding: string | null, options: DecodeOptions = {}): Transform {
  const e = (encoding ?? '7bit').toLowerCase();
  switch (e) {
    case 'base64':
      return new Base64Decoder();
    case 'quoted-printable':
      return new QuotedPrintableDecoder(options);
    case '7bit':
    case '8bit':
    case 'binary':
      return new IdentityDecoder(options);
    default:
      throw new UnknownEncodingError(encoding ?? '');
  }
}

/** The decoder for one part's body. */
export function partDecoder(part: MimePart, options: DecodeOptions = {}): Transform {
  return decoderFor(part.kind === 'multipart' || part.kind === 'message' ? null : part.transferEncoding, options);
}

/** Decodes a whole body held in memory. */
export function decodeBody(body: Uint8Array, encoding: string | null, options: DecodeOptions = {}): Buffer {
  // runs the decoder's steps directly, so the result is available synchronously
  const dec = decoderFor(encoding, options) as Transform & {
    _transform(c: Buffer, e: BufferEncoding, cb: TransformCallback): void;
    _flush(cb: TransformCallback): void;
  };
  const chunks: Buffer[] = [];
  const collect: TransformCallback = (err, data?: Buffer) => {
    if (err) throw err;
    if (data) chunks.push(data);
  };
  dec.push = (c: Buffer | null): boolean => {
    if (c) chunks.push(c);
    return true;
  };
  dec._transform(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'latin1', collect);
  dec._flush(collect);
  return Buffer.concat(chunks);
}

/** BINARY.SIZE: the decoded size of a body read from `source` (a stream of the part's body octets). */
export async function decodedSize(
  source: AsyncIterable<Uint8Array>,
  encoding: string | null,
  options: DecodeOptions = {},
): Promise<number> {
  const dec = decoderFor(encoding, options);
  let size = 0;
  const counting = (async () => {
    for await (const chunk of dec as AsyncIterable<Buffer>) size += chunk.length;
  })();
  for await (const chunk of source) {
    if (!dec.write(chunk)) await new Promise((r) => dec.once('drain', r));
  }
  dec.end();
  await counting;
  return size;
}
