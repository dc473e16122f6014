// The SMTP framer: turns received bytes into command lines, DATA bodies (through DotDecoder) and BDAT chunks.
// Limits live here: the longest line, read without ever buffering more than that. Pure: the session pushes bytes in.
import { DotDecoder } from './dot.js';

const LF = 0x0a;
const CR = 0x0d;

/** One command line, without its line ending, or why it could not be one. */
export type Line =
  | { kind: 'line'; bytes: Buffer }
  /** Longer than the limit; the octets up to the next LF were thrown away. */
  | { kind: 'too-long' }
  /** Ended in LF without CR (RFC 5321 §2.3.8); not executed. */
  | { kind: 'bare-lf' };

export interface FramerOptions {
  /** Longest command line accepted, CRLF included. */
  maxLine: number;
}

type Mode = { kind: 'line' } | { kind: 'data'; decoder: DotDecoder };

export class Framer {
  private buf: Buffer = Buffer.alloc(0);
  private mode: Mode = { kind: 'line' };
  /** Inside an over-long line: discard until LF. */
  private discarding = false;
  /** An over-long line ended; report it before the next line. */
  private tooLongPending = false;

  constructor(private readonly options: FramerOptions) {}

  /** Octets received and not yet taken. */
  get buffered(): number {
    return this.buf.length;
  }

  get inData(): boolean {
    return this.mode.kind === 'data';
  }

  /**
   * Appends received octets. Nothing is interpreted here: a BDAT chunk that follows its command line must not be
   * taken for an over-long line. The session bounds memory by pausing the socket while `buffered` is large.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (this.discarding) {
      const lf = data.indexOf(LF);
      if (lf < 0) return;
      this.discarding = false;
      this.tooLongPending = true;
      data = data.subarray(lf + 1);
    }
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
  }

  /** Whether a complete line (or a line problem) is waiting: replies can wait while this is true (pipelining). */
  hasLine(): boolean {
    return this.mode.kind === 'line' && (this.tooLongPending || this.buf.indexOf(LF) >= 0);
  }

  /**
   * The next command line, or undefined when more input is needed. A line that cannot end within the limit is
   * dropped as it arrives (never buffered whole) and reported as `too-long` once its LF is seen.
   */
  readLine(): Line | undefined {
    if (this.mode.kind !== 'line') throw new Error('framer: readLine during DATA');
    if (this.tooLongPending) {
      this.tooLongPending = false;
      return { kind: 'too-long' };
    }
    const limit = this.options.maxLine;
    const lf = this.buf.indexOf(LF);
    if (lf < 0) {
      if (this.buf.length >= limit) {
        this.discarding = true;
        this.buf = Buffer.alloc(0);
      }
      return undefined;
    }
    const line = this.buf.subarray(0, lf);
    this.buf = this.buf.subarray(lf + 1);
    if (lf + 1 > limit) return { kind: 'too-long' };
    if (line.length === 0 || line[line.length - 1] !== CR) return { kind: 'bare-lf' };
    return { kind: 'line', bytes: Buffer.from(line.subarray(0, line.length - 1)) };
  }

  /** Switches to DATA mode after the 354 reply. */
  beginData(): void {
    this.mode = { kind: 'data', decoder: new DotDecoder() };
  }

  /**
   * Decoded DATA body from the buffered input: `end` once <CRLF>.<CRLF> was seen, after which the framer is back
   * in line mode with any pipelined commands still buffered.
   */
  readData(): { data: Buffer[]; end: boolean } {
    if (this.mode.kind !== 'data') throw new Error('framer: readData outside DATA');
    const input = this.buf;
    this.buf = Buffer.alloc(0);
    const r = this.mode.decoder.decode(input);
    if (r.end) {
      this.buf = input.subarray(r.consumed);
      this.mode = { kind: 'line' };
    }
    // Views into received buffers are safe to hand out: buffers are replaced, never written to.
    return { data: r.output, end: r.end };
  }

  /** Up to `max` raw octets (a BDAT chunk), or undefined when nothing is buffered. */
  readChunk(max: number): Buffer | undefined {
    if (this.buf.length === 0 || max <= 0) return undefined;
    const n = Math.min(max, this.buf.length);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /**
   * Throws away everything buffered and any partial state (STARTTLS: bytes sent after the command are never
   * commands, RFC 3207 §4.2). Returns how many octets were dropped.
   */
  discard(): number {
    const n = this.buf.length;
    this.buf = Buffer.alloc(0);
    this.mode = { kind: 'line' };
    this.discarding = false;
    this.tooLongPending = false;
    return n;
  }
}
