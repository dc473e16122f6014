// Checks message text as it streams: bare CR, bare LF and NUL are refused (RFC 5321 §2.3.8, §4.1.1.4; RFC 5322
// §2.3), and so are lines over 1000 octets including CRLF (RFC 5321 §4.5.3.1.6). BINARYMIME bodies skip it.

const CR = 0x0d;
const LF = 0x0a;

/** RFC 5321 §4.5.3.1.6: the longest text line, CRLF included. */
export const MAX_TEXT_LINE = 1000;

export type TextProblem = 'bare-cr' | 'bare-lf' | 'nul' | 'long-line';

/** Incremental checker; `problem` holds the first problem found. */
export class TextChecker {
  private prevCr = false;
  private lineLength = 0;
  private first: TextProblem | undefined;

  constructor(private readonly maxLine = MAX_TEXT_LINE) {}

  get problem(): TextProblem | undefined {
    return this.first;
  }

  private flag(p: TextProblem): void {
    this.first ??= p;
  }

  /** Scans the next piece of text; returns the first problem seen so far. */
  check(chunk: Uint8Array): TextProblem | undefined {
    let { prevCr, lineLength } = this;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      lineLength++;
      if (prevCr && b !== LF) this.flag('bare-cr');
      if (b === LF) {
        if (!prevCr) this.flag('bare-lf');
        if (lineLength > this.maxLine) this.flag('long-line');
        lineLength = 0;
      } else if (b === 0) {
        this.flag('nul');
      }
      prevCr = b === CR;
    }
    // Count CR as part of the line until its LF arrives; a line still open and already too long is reported now.
    if (lineLength > this.maxLine) this.flag('long-line');
    this.prevCr = prevCr;
    this.lineLength = lineLength;
    return this.first;
  }

  /** Call once at the end of the text: a CR that was the very last octet is a bare CR. */
  finish(): TextProblem | undefined {
    if (this.prevCr) this.flag('bare-cr');
    return this.first;
  }
}
