// The body of RETR and TOP (RFC 1939 §7, §3): message octets converted to CRLF line endings while they stream,
// lines starting with "." byte-stuffed, TOP cut after the header and n body lines, then the "." terminator.
// Pure: bytes in, bytes out; the session feeds it from the store and writes what it returns.
//
// Speed: chunks of up to VECTOR_CHUNK octets are converted by a WebAssembly SIMD routine (crlf-wasm.ts) where it can
// be loaded. Otherwise a chunk is scanned with indexOf for LFs only; the octets to insert (a CR before a bare LF, a
// "." before a line's leading ".") are noted, and one output buffer of the exact size is filled by copying the runs
// between insertions. Either way a chunk that needs no change (a CRLF file without dot lines) is returned as it is,
// without a copy.
import { convertChunk, VECTOR_CHUNK, vectorAvailable } from './crlf-wasm.js';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const EMPTY = Buffer.alloc(0);
const END = Buffer.from('.\r\n');
const CRLF_END = Buffer.from('\r\n.\r\n');

export interface EncoderOptions {
  /** TOP: body lines to send after the header and the empty line that ends it; undefined sends everything. */
  bodyLines?: number;
  /** Use the WebAssembly routine when it is available (the default); false always runs the JavaScript loop. */
  vector?: boolean;
  /** Gives the buffer a converted chunk is written to (exactly `size` octets); default Buffer.allocUnsafe. */
  allocate?: (size: number) => Buffer;
}

export class MessageEncoder {
  /** Octets of the message as sent, without byte-stuffing and terminator: equals the vsize for a whole message. */
  octets = 0;
  /** The last octet seen was a LF, or none was seen yet: the next octet starts a line. */
  private atLineStart = true;
  /** The last octet seen was a CR: a LF at the start of the next chunk is not a bare one. */
  private afterCr = false;
  /** TOP: octets of the current line so far (a CR included). */
  private lineLen = 0;
  private inBody = false;
  private bodyLinesLeft: number;
  private readonly top: boolean;
  private finished = false;
  /** Offsets in the current chunk before which an octet is inserted; reused from chunk to chunk. */
  private inserts: Uint32Array = new Uint32Array(1024);
  private readonly vector: boolean;
  private readonly allocate: (size: number) => Buffer;

  constructor(options: EncoderOptions = {}) {
    this.top = options.bodyLines !== undefined;
    this.bodyLinesLeft = options.bodyLines ?? Number.POSITIVE_INFINITY;
    this.vector = vectorAvailable && options.vector !== false;
    this.allocate = options.allocate ?? Buffer.allocUnsafe;
  }

  /** True once TOP has all the lines it wants: the rest of the source need not be read. */
  get done(): boolean {
    return this.inBody && this.bodyLinesLeft <= 0;
  }

  /**
   * Converts one chunk of the message; returns what to send (possibly empty, possibly `chunk` itself when nothing
   * in it changes). The caller must not change `chunk` afterwards.
   */
  encode(chunk: Uint8Array): Buffer {
    if (this.done) return EMPTY;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.top) data = data.subarray(0, this.topCut(data));
    const len = data.length;
    if (len === 0) return EMPTY;
    if (this.vector && len <= VECTOR_CHUNK) {
      const { out, bareLfs } = convertChunk(data, this.atLineStart, this.afterCr, this.allocate);
      const last = data[len - 1];
      this.afterCr = last === CR;
      this.atLineStart = last === LF;
      this.octets += len + bareLfs;
      return out;
    }

    let inserts = this.inserts;
    let count = 0;
    let bareLfs = 0;
    if (this.atLineStart && data[0] === DOT) inserts[count++] = 0;
    let lf = data.indexOf(LF);
    while (lf >= 0) {
      if (count + 2 > inserts.length) inserts = this.grow();
      if (lf === 0 ? !this.afterCr : data[lf - 1] !== CR) {
        inserts[count++] = lf;
        bareLfs++;
      }
      if (lf + 1 < len && data[lf + 1] === DOT) inserts[count++] = lf + 1;
      lf = data.indexOf(LF, lf + 1);
    }
    const last = data[len - 1];
    this.afterCr = last === CR;
    this.atLineStart = last === LF;
    this.octets += len + bareLfs;
    if (count === 0) return data;

    // One copy of the whole chunk, then, from the end backwards, each run moved right by the insertions before it
    // (copyWithin allocates nothing, unlike a copy from a subarray per line).
    const out = this.allocate(len + count);
    out.set(data, 0);
    let end = len;
    for (let i = count - 1; i >= 0; i--) {
      const at = inserts[i] as number;
      if (end > at) out.copyWithin(at + i + 1, at, end);
      // The octet at `at` is a LF (insert its CR) or a line's leading "." (insert the stuffing ".").
      out[at + i] = data[at] === LF ? CR : DOT;
      end = at;
    }
    return out;
  }

  /** The end of the response: a CRLF when the message did not end with a line ending, then ".". */
  finish(): Buffer {
    if (this.finished) return EMPTY;
    this.finished = true;
    return this.atLineStart || this.done ? END : CRLF_END;
  }

  /** TOP: how much of `data` to send; follows the lines to the end of the header and counts body lines. */
  private topCut(data: Buffer): number {
    let pos = 0;
    while (!this.done) {
      const lf = data.indexOf(LF, pos);
      if (lf < 0) {
        this.lineLen += data.length - pos;
        return data.length;
      }
      const length = this.lineLen + lf - pos;
      // A LF first in the chunk follows the previous chunk's last octet (afterCr is not yet updated for this one).
      const hadCr = lf > pos ? data[lf - 1] === CR : this.afterCr && this.lineLen > 0;
      const content = hadCr ? length - 1 : length;
      if (this.inBody) this.bodyLinesLeft--;
      else if (content === 0) this.inBody = true;
      this.lineLen = 0;
      pos = lf + 1;
    }
    return pos;
  }

  private grow(): Uint32Array {
    const bigger = new Uint32Array(this.inserts.length * 2);
    bigger.set(this.inserts);
    this.inserts = bigger;
    return bigger;
  }
}
