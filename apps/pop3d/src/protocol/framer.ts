// Splits the client's byte stream into command lines (CRLF, or a bare LF as many clients send), with a length limit.

export type Line =
  /** One line without its line ending. */
  | { kind: 'line'; bytes: Buffer }
  /** A line longer than the limit: its bytes were dropped up to and including its line ending. */
  | { kind: 'too-long' };

/**
 * Incremental framer: push() the socket's chunks, get complete lines back in order. A line longer than
 * `maxLine` octets (line ending included) is reported once as 'too-long' and skipped to its end, so a
 * client cannot make the server buffer without bound.
 */
export class LineFramer {
  private parts: Buffer[] = [];
  private partLength = 0;
  private discarding = false;

  constructor(private readonly maxLine: number) {}

  /** Octets buffered of an incomplete line. */
  get pending(): number {
    return this.partLength;
  }

  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf < 0) {
        this.keep(chunk.subarray(start), out);
        break;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (this.partLength + piece.length + 1 > this.maxLine) {
        this.reset();
        out.push({ kind: 'too-long' });
        continue;
      }
      let bytes = this.partLength === 0 ? Buffer.from(piece) : Buffer.concat([...this.parts, piece]);
      this.reset();
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      out.push({ kind: 'line', bytes });
    }
    return out;
  }

  /** Drops everything buffered (after STLS: plaintext sent with the command must not be read as commands). */
  clear(): void {
    this.reset();
    this.discarding = false;
  }

  private keep(piece: Buffer, out: Line[]): void {
    if (this.discarding || piece.length === 0) return;
    // Even if the next octet is the LF, the line would be over the limit.
    if (this.partLength + piece.length + 1 > this.maxLine) {
      this.reset();
      this.discarding = true;
      out.push({ kind: 'too-long' });
      return;
    }
    this.parts.push(Buffer.from(piece));
    this.partLength += piece.length;
  }

  private reset(): void {
    this.parts = [];
    this.partLength = 0;
  }
}
