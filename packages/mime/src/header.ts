// Header blocks: splitting into fields (raw and unfolded), field lookup, and the byte-string conventions of the package.

/** A header field as it appears in the message. All strings are byte strings (one char per octet). */
export interface HeaderField {
  /** Field name as written, without trailing whitespace before the colon; the whole line when there is no colon. */
  name: string;
  /**
   * Field value: leading whitespace after the colon removed (one space kept when the line holds only whitespace),
   * folded lines joined with "\n" and their leading whitespace kept, no CR, no final line break; NUL octets
   * replaced by U+FFFD (as UTF-8 octets).
   */
  value: string;
  /** Exact octets of the field, every line and line ending included. */
  raw: string;
  /** Offset of the field from the start of the header block. */
  offset: number;
}

/** Converts octets to a byte string. */
export function bytesToString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Converts a byte string back to its octets. */
export function stringToBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** U+FFFD REPLACEMENT CHARACTER as a UTF-8 byte string: what a NUL in a header value becomes. */
const NUL_REPLACEMENT = '\xef\xbf\xbd';

function isLwsp(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

/** Removes the line breaks of folding (RFC 5322 §2.2.3). */
export function unfold(value: string): string {
  return value.replace(/\r?\n/g, '');
}

/**
 * Builds header fields from physical header lines. Feed it each line with its terminator; lines must not include
 * the empty line ending the header. Memory is bounded by `maxBytes`: fields past it are counted, not kept.
 */
export class HeaderCollector {
  readonly fields: HeaderField[] = [];
  private current: { name: string; value: string[]; raw: string[]; offset: number; size: number } | null = null;
  private kept = 0;
  dropped = 0;

  constructor(private readonly maxBytes = 1 << 20) {}

  /**
   * Adds one physical line (byte string, terminator included) found at `offset` from the header start.
   * Returns the field that this line completed, if any.
   */
  addLine(line: string, offset: number): HeaderField | null {
    if (this.current && isLwsp(line.charCodeAt(0))) {
      this.appendFragment(line, '\n');
      return null;
    }
    const done = this.flush();
    const body = stripNewline(line);
    const colon = body.indexOf(':');
    let name: string;
    let value: string;
    if (colon < 0) {
      name = body;
      value = '';
    } else {
      let end = colon;
      while (end > 0 && isLwsp(body.charCodeAt(end - 1))) end--;
      name = body.slice(0, end);
      const rest = body.slice(colon + 1);
      let skip = 0;
      while (skip < rest.length && isLwsp(rest.charCodeAt(skip))) skip++;
      if (skip === rest.length && rest.length > 0) skip = 1;
      value = rest.slice(skip);
    }
    this.current = { name, value: [value], raw: [line], offset, size: line.length };
    return done;
  }

  /** Adds more octets to the current field: a folded line (joined with `join`) or the rest of an overlong line. */
  appendFragment(text: string, join = ''): void {
    const cur = this.current;
    if (!cur) return;
    cur.size += text.length;
    if (cur.size <= this.maxBytes) {
      cur.raw.push(text);
      cur.value.push(join + stripNewline(text));
    }
  }

  /** Completes the last field and returns it (also when it is not kept because of the memory bound). */
  flush(): HeaderField | null {
    const cur = this.current;
    if (!cur) return null;
    this.current = null;
    const value = cur.value.join('').replace(/\0/g, NUL_REPLACEMENT);
    const field: HeaderField = { name: cur.name, value, raw: cur.raw.join(''), offset: cur.offset };
    if (this.kept + cur.size > this.maxBytes) this.dropped++;
    else {
      this.kept += cur.size;
      this.fields.push(field);
    }
    return field;
  }
}

function stripNewline(line: string): string {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 0x0a) {
    end--;
    if (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
  }
  return line.slice(0, end);
}

/** Where a header block ends: the offset after the empty line, or the end of the input when there is none. */
export function headerEnd(block: string): { end: number; bodyStart: number } {
  let pos = 0;
  while (pos < block.length) {
    const lf = block.indexOf('\n', pos);
    const lineEnd = lf < 0 ? block.length : lf + 1;
    const line = block.slice(pos, lineEnd);
    if (line === '\n' || line === '\r\n') return { end: pos, bodyStart: lineEnd };
    pos = lineEnd;
  }
  return { end: block.length, bodyStart: block.length };
}

/**
 * Splits a header block (a byte string, Buffer or bytes; a whole message works too: parsing stops at the empty line)
 * into fields.
 */
export function parseHeader(input: string | Uint8Array): HeaderField[] {
  const block = typeof input === 'string' ? input : bytesToString(input);
  const { end } = headerEnd(block);
  const collector = new HeaderCollector(Number.MAX_SAFE_INTEGER);
  let pos = 0;
  while (pos < end) {
    const lf = block.indexOf('\n', pos);
    const lineEnd = lf < 0 || lf >= end ? end : lf + 1;
    collector.addLine(block.slice(pos, lineEnd), pos);
    pos = lineEnd;
  }
  collector.flush();
  return collector.fields;
}

/** The first field named `name` (case-insensitive), or undefined. */
export function getField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower);
}

/** Every field named `name` (case-insensitive), in order. */
export function getFields(fields: readonly HeaderField[], name: string): HeaderField[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower);
}
