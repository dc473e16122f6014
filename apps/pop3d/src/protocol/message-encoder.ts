// The body of RETR and TOP (RFC 1939 §7, §3): message octets converted to CRLF line endings while they stream,
// lines starting with "." byte-stuffed, TOP cut after the header and n body lines, then the "." terminator.
// Pure: bytes in, bytes out; the session feeds it from the store and writes what it returns.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const END = Buffer.from('.\r\n');
const CRLF_END = Buffer.from('\r\n.\r\n');

export interface EncoderOptions {
  /** TOP: body lines to send after the header and the empty line that ends it; undefined sends everything. */
  bodyLines?: number;
}

export class MessageEncoder {
  /** Octets of the message as sent, without byte-stuffing and terminator: equals the vsize for a whole message. */
  octets = 0;
  private lineLen = 0;
  private lastByte = -1;
  private inBody = false;
  private bodyLinesLeft: number;
  private finished = false;

  constructor(options: EncoderOptions = {}) {
    this.bodyLinesLeft = options.bodyLines ?? Number.POSITIVE_INFINITY;
  }

  /** True once TOP has all the lines it wants: the rest of the source need not be read. */
  get done(): boolean {
    return this.inBody && this.bodyLinesLeft <= 0;
  }

  /** Converts one chunk of the message; returns what to send (possibly empty). */
  encode(chunk: Uint8Array): Buffer {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Worst case every octet is a bare LF or a stuffed dot: twice the input.
    const out = Buffer.allocUnsafe(data.length * 2);
    let o = 0;
    let pos = 0;
    while (pos < data.length && !this.done) {
      const lf = data.indexOf(LF, pos);
      const end = lf < 0 ? data.length : lf;
      if (end > pos) {
        if (this.lineLen === 0 && data[pos] === DOT) out[o++] = DOT;
        o += data.copy(out, o, pos, end);
        this.octets += end - pos;
        this.lineLen += end - pos;
        this.lastByte = data[end - 1] as number;
      }
      if (lf < 0) break;
      const hadCr = this.lineLen > 0 && this.lastByte === CR;
      if (!hadCr) out[o++] = CR;
      out[o++] = LF;
      this.octets += hadCr ? 1 : 2;
      this.endLine(hadCr ? this.lineLen - 1 : this.lineLen);
      pos = lf + 1;
    }
    return out.subarray(0, o);
  }

  /** The end of the response: a CRLF when the message did not end with a line ending, then ".". */
  finish(): Buffer {
    if (this.finished) return Buffer.alloc(0);
    this.finished = true;
    if (this.lineLen > 0 && !this.done) return CRLF_END;
    return END;
  }

  private endLine(contentLength: number): void {
    if (this.inBody) this.bodyLinesLeft--;
    else if (contentLength === 0) this.inBody = true;
    this.lineLen = 0;
    this.lastByte = -1;
  }
}
