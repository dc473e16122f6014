// Wire writer for responses: picks atom, quoted string or literal for each value (RFC 9051 §4.3) and collects
// Buffers and streamed literals in order.
import { isAstringChar, isAtomChar } from '../line.js';
import { encodeMailboxName } from '../mutf7.js';
import type { NString, StreamedLiteral } from '../response-types.js';

export interface ComposeOptions {
  /** IMAP4rev2 or UTF8=ACCEPT enabled: UTF-8 in quoted strings and mailbox names, no modified UTF-7. */
  utf8: boolean;
}

/** What the session writes: Buffers as they are, and streamed literal payloads (their `{n}` already written). */
export type WirePart = Buffer | StreamedLiteral;

/** Chunks of at least this many octets are passed on by reference rather than joined with their neighbours. */
const PASS_ON = 4096;

/** Strings longer than this go out as literals even when they could be quoted. */
const MAX_QUOTED = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function isStreamed(value: unknown): value is StreamedLiteral {
  return typeof value === 'object' && value !== null && 'stream' in value && 'size' in value;
}

/** Thrown for values that cannot be written without breaking the protocol: a bug in the caller. */
export class ComposeError extends TypeError {
  override readonly name = 'ComposeError';
}

export class WireWriter {
  private readonly parts: WirePart[] = [];
  private pendingText = '';
  private chunks: Buffer[] = [];

  constructor(readonly options: ComposeOptions) {}

  /** Text known to be safe (protocol keywords, numbers, separators). */
  raw(text: string): this {
    this.pendingText += text;
    return this;
  }

  /** Octets already in wire syntax (a value rendered by @mail/mime), written as they are. */
  wire(data: Uint8Array): this {
    this.bytes(data);
    return this;
  }

  private bytes(data: Uint8Array): void {
    this.flushText();
    this.chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  private flushText(): void {
    if (this.pendingText.length === 0) return;
    this.chunks.push(Buffer.from(this.pendingText, 'utf8'));
    this.pendingText = '';
  }

  sp(): this {
    return this.raw(' ');
  }

  number(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new ComposeError(`not a number for the wire: ${n}`);
    return this.raw(String(n));
  }

  atom(text: string): this {
    if (text.length === 0 || ![...text].every((c) => isAtomChar(c.charCodeAt(0)))) throw new ComposeError(`not an atom: ${JSON.stringify(text)}`);
    return this.raw(text);
  }

  /** A flag: "\" atom, keyword atom, or "\*" (PERMANENTFLAGS). */
  flag(flag: string): this {
    if (flag === '\\*') return this.raw(flag);
    if (flag.startsWith('\\')) return this.raw('\\').atom(flag.slice(1));
    return this.atom(flag);
  }

  /** A quoted string; the caller has checked it can be quoted. */
  private quoted(data: Uint8Array): this {
    this.raw('"');
    this.flushText();
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 0x22 || data[i] === 0x5c) {
        this.bytes(data.subarray(start, i));
        this.raw('\\');
        this.flushText();
        start = i;
      }
    }
    this.bytes(data.subarray(start));
    return this.raw('"');
  }

  /** {n} CRLF octets, or literal8 ~{n} (RFC 3516). */
  literal(data: Uint8Array, binary = false): this {
    this.raw(`${binary ? '~' : ''}{${data.length}}\r\n`);
    this.bytes(data);
    return this;
  }

  /** A literal whose octets the session streams: `{size}` here, the Readable as its own part. */
  stream(literal: StreamedLiteral, binary = false): this {
    if (!Number.isSafeInteger(literal.size) || literal.size < 0) throw new ComposeError('bad streamed literal size');
    this.raw(`${binary ? '~' : ''}{${literal.size}}\r\n`);
    this.flushText();
    this.flushChunks();
    this.parts.push(literal);
    return this;
  }

  private canQuote(data: Uint8Array): boolean {
    if (data.length > MAX_QUOTED) return false;
    let eightBit = false;
    for (const b of data) {
      if (b === 0x00 || b === 0x0a || b === 0x0d) return false;
      if (b >= 0x80) eightBit = true;
    }
    return !eightBit || (this.options.utf8 && isValidUtf8(data));
  }

  /** string: quoted when it can be, else a literal (CR, LF, NUL, 8-bit outside UTF-8 mode, long). */
  string(value: string | Uint8Array): this {
    const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return this.canQuote(data) ? this.quoted(data) : this.literal(data);
  }

  nstring(value: NString): this {
    return value === null ? this.raw('NIL') : this.string(value);
  }

  /** astring: an atom when every character allows it (and it is not NIL), else a string. */
  astring(value: string): this {
    if (value.length > 0 && value.length <= MAX_QUOTED && value.toUpperCase() !== 'NIL') {
      if ([...value].every((c) => isAstringChar(c.charCodeAt(0)))) return this.raw(value);
    }
    return this.string(value);
  }

  /** A mailbox name in the session's encoding (modified UTF-7 or UTF-8). */
  mailbox(name: string): this {
    return this.astring(encodeMailboxName(name, this.options.utf8));
  }

  /** Message data (BODY[], RFC822, BINARY[]): always a literal, streamed when given as a stream; NIL for null. */
  content(value: NString | StreamedLiteral, binary = false): this {
    if (value === null) return this.raw('NIL');
    if (isStreamed(value)) return this.stream(value, binary);
    return this.literal(typeof value === 'string' ? Buffer.from(value, 'utf8') : value, binary);
  }

  /** "(" items separated by SP ")"; empty lists are "()". */
  list<T>(items: Iterable<T>, write: (item: T) => void): this {
    this.raw('(');
    let first = true;
    for (const item of items) {
      if (!first) this.sp();
      first = false;
      write(item);
    }
    return this.raw(')');
  }

  /** Human-readable text: one line, ASCII unless UTF-8 mode, never empty. */
  text(value: string, fallback: string): this {
    let text = value.replace(/[\r\n\0]+/g, ' ');
    if (!this.options.utf8) text = text.replace(/[\u0080-\u{10ffff}]/gu, '?');
    return this.raw(text.length > 0 ? text : fallback);
  }

  /** Joins runs of small chunks; a large one (message data) is passed on as it is, not copied. */
  private flushChunks(): void {
    let run: Buffer[] = [];
    const endRun = (): void => {
      if (run.length > 0) this.parts.push(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run));
      run = [];
    };
    for (const chunk of this.chunks) {
      if (chunk.length < PASS_ON) run.push(chunk);
      else {
        endRun();
        this.parts.push(chunk);
      }
    }
    endRun();
    this.chunks = [];
  }

  /** Ends the response with CRLF and returns its parts; adjacent Buffers are joined. */
  finish(): WirePart[] {
    this.raw('\r\n');
    this.flushText();
    this.flushChunks();
    return this.parts;
  }
}
