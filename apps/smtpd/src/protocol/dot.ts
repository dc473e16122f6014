// The DATA body decoder (RFC 5321 §4.1.1.4, §4.5.2): finds the end-of-data marker <CRLF>.<CRLF> and removes
// dot-stuffing. Only a real CRLF starts a line: a bare LF or bare CR before or after a dot never ends the data,
// which is what defeats SMTP smuggling (the lines still reach the text checker, which rejects the message).

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CR_BYTE = Buffer.from([CR]);

const enum S {
  /** After CRLF, or at the very start: a dot here is special. */
  LineStart,
  /** Inside a line. */
  Mid,
  /** After a CR inside a line: LF completes the line. */
  Cr,
  /** After a dot at the start of a line (the dot is not output). */
  Dot,
  /** After `.` CR at the start of a line: LF ends the data. */
  DotCr,
}

export interface DecodeResult {
  /** Decoded body pieces (views into the input, or small constants). */
  output: Buffer[];
  /** Input octets used; less than the input length only when the end marker was found. */
  consumed: number;
  /** The end-of-data marker was found; its `.CRLF` is not part of the output. */
  end: boolean;
}

/** Incremental decoder for one DATA body: feed it the bytes as they arrive, in any split. */
export class DotDecoder {
  private state = S.LineStart;
  /** The CR of `.CR` arrived at the end of the previous input and has not been output yet. */
  private heldCr = false;
  private finished = false;

  get ended(): boolean {
    return this.finished;
  }

  decode(input: Uint8Array): DecodeResult {
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const output: Buffer[] = [];
    if (this.finished) return { output, consumed: 0, end: true };
    let seg = 0;
    const flush = (to: number): void => {
      if (to > seg) output.push(buf.subarray(seg, to));
    };
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] as number;
      switch (this.state) {
        case S.LineStart:
          if (b === DOT) {
            flush(i);
            seg = i + 1;
            this.state = S.Dot;
          } else {
            this.state = S.Mid;
            i--; // look at this byte again as line content
          }
          break;
        case S.Mid:
          if (b === CR) this.state = S.Cr;
          break;
        case S.Cr:
          if (b === LF) this.state = S.LineStart;
          else {
            this.state = S.Mid; // bare CR: the text checker reports it
            i--;
          }
          break;
        case S.Dot:
          if (b === CR) this.state = S.DotCr;
          else {
            this.state = S.Mid; // dot-stuffing: the leading dot was dropped
            i--;
          }
          break;
        case S.DotCr:
          if (b === LF) {
            // <CRLF>.<CRLF>: the CR (in this input at i-1, or held) and the LF are not data.
            flush(this.heldCr ? i : i - 1);
            this.heldCr = false;
            this.finished = true;
            return { output, consumed: i + 1, end: true };
          }
          if (this.heldCr) {
            output.push(CR_BYTE);
            this.heldCr = false;
          }
          this.state = S.Mid;
          i--;
          break;
      }
    }
    if (this.state === S.DotCr && !this.heldCr) {
      // The CR is the last input byte; keep it back until we know whether an LF follows.
      flush(buf.length - 1);
      this.heldCr = true;
    } else {
      flush(buf.length);
    }
    return { output, consumed: buf.length, end: false };
  }
}
