// Token reader over one command unit (RFC 9051 §4, §9): atoms, numbers, quoted strings, literals, lists.
import type { CommandUnit, UnitLiteral } from '../framer.js';
import { ImapParseError, MailboxNameError } from '../errors.js';
import type { ImapParseErrorOptions } from '../errors.js';
import { isAstringChar, isAtomChar } from '../line.js';
import { decodeMailboxName, normalizeInbox } from '../mutf7.js';
import { MAX_UINT32, isSequenceSetChar, parseSequenceSet } from '../sequence.js';
import type { SequenceSet } from '../sequence.js';
import type { ParseOptions } from './types.js';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LPAREN = 0x28;
const RPAREN = 0x29;
/** peek() at the end of a segment (before a literal or at the end of the command). */
export const END = -1;
/** Deepest nesting of parentheses and search keys (OR chains nest) the parser follows. */
const MAX_DEPTH = 200;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 → string; throws ImapParseError. */
export function decodeUtf8(bytes: Uint8Array, what = 'string'): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ImapParseError(`Invalid UTF-8 in ${what}`);
  }
}

export class Reader {
  /** Filled in as soon as they are read, for error replies. */
  tag: string | null = null;
  command: string | null = null;
  private seg = 0;
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly unit: CommandUnit,
    readonly options: ParseOptions,
  ) {}

  fail(message: string, options: ImapParseErrorOptions = {}): never {
    throw new ImapParseError(message, { tag: this.tag, command: this.command, ...options });
  }

  private get text(): Buffer {
    return this.unit.segments[this.seg] as Buffer;
  }

  /** The next octet, or END at the end of a segment. */
  peek(): number {
    const text = this.text;
    return this.pos < text.length ? (text[this.pos] as number) : END;
  }

  /** The octet `offset` places ahead in the current segment, or END. */
  peekAt(offset: number): number {
    const text = this.text;
    return this.pos + offset < text.length ? (text[this.pos + offset] as number) : END;
  }

  atLiteral(): boolean {
    return this.pos >= this.text.length && this.seg < this.unit.literals.length;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length && this.seg >= this.unit.segments.length - 1;
  }

  /** Nothing may follow. */
  end(): void {
    if (!this.atEnd()) this.fail(this.peek() === SP ? 'Unexpected extra arguments' : 'Unexpected characters at end of command');
  }

  tryByte(byte: number): boolean {
    if (this.peek() !== byte) return false;
    this.pos++;
    return true;
  }

  expect(byte: number, what: string): void {
    if (!this.tryByte(byte)) this.fail(`Expected ${what}`);
  }

  sp(): void {
    if (!this.tryByte(SP)) this.fail(this.atEnd() ? 'Missing arguments' : 'Expected a space');
  }

  trySp(): boolean {
    return this.tryByte(SP);
  }

  /** Guards recursion (nested lists, NOT NOT NOT ...) so hostile input cannot exhaust the stack. */
  nested<T>(read: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail('Command nested too deeply');
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  /** Octets while `accept` holds, within the current segment. */
  private run(accept: (byte: number) => boolean): Buffer {
    const text = this.text;
    const start = this.pos;
    while (this.pos < text.length && accept(text[this.pos] as number)) this.pos++;
    return text.subarray(start, this.pos);
  }

  /** One or more octets accepted by `accept`, as latin1 text. */
  token(accept: (byte: number) => boolean, what: string): string {
    const bytes = this.run(accept);
    if (bytes.length === 0) this.fail(`Expected ${what}`);
    return bytes.toString('latin1');
  }

  /** 1*ATOM-CHAR. */
  atom(what = 'atom'): string {
    const bytes = this.run(isAtomChar);
    if (bytes.length === 0) this.fail(`Expected ${what}`);
    return bytes.toString('latin1');
  }

  /** An atom, upper-cased: command names, option names, search keys. */
  keyword(what = 'keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** Reads `word` (case-insensitive) when it comes next as a whole atom. */
  tryKeyword(word: string): boolean {
    const text = this.text;
    const end = this.pos + word.length;
    if (end > text.length) return false;
    if (text.subarray(this.pos, end).toString('latin1').toUpperCase() !== word) return false;
    if (end < text.length && isAtomChar(text[end] as number)) return false;
    this.pos = end;
    return true;
  }

  /** number = 1*DIGIT, unsigned 32-bit unless `max` says otherwise. */
  number(what = 'number', max = MAX_UINT32): number {
    const digits = this.run((b) => b >= 0x30 && b <= 0x39).toString('latin1');
    if (digits.length === 0) this.fail(`Expected ${what}`);
    const value = digits.length > 20 ? Infinity : Number(digits);
    if (value > max) this.fail(`${capitalise(what)} out of range`);
    return value;
  }

  nzNumber(what = 'number'): number {
    const n = this.number(what);
    if (n === 0) this.fail(`${capitalise(what)} must not be zero`);
    return n;
  }

  /** number64 (RFC 9051) and mod-sequence values (RFC 7162), limited to what a JS number holds exactly. */
  number64(what = 'number'): number {
    return this.number(what, Number.MAX_SAFE_INTEGER);
  }

  sequenceSet(): SequenceSet {
    const text = this.run(isSequenceSetChar).toString('latin1');
    if (text.length === 0) this.fail('Expected a sequence set');
    try {
      return parseSequenceSet(text);
    } catch (err) {
      throw err instanceof ImapParseError ? err.withContext(this.tag, this.command) : err;
    }
  }

  /** The literal that comes next, as the framer delivered it (buffered or streamed, literal or literal8). */
  literal(): UnitLiteral & { index: number } {
    if (!this.atLiteral()) this.fail('Expected a literal');
    const index = this.seg;
    const literal = this.unit.literals[index] as UnitLiteral;
    this.seg++;
    this.pos = 0;
    return { ...literal, index };
  }

  /** string = quoted / literal, as octets. */
  stringBytes(what = 'string'): Buffer {
    if (this.peek() === DQUOTE) return this.quoted();
    if (this.atLiteral()) {
      const literal = this.literal();
      if (literal.binary) this.fail(`A literal8 is not allowed for ${what}`);
      if (literal.data === null) this.fail(`Literal for ${what} was not buffered`);
      if (literal.data.includes(0)) this.fail(`NUL in literal ${what}`);
      return literal.data;
    }
    return this.fail(`Expected ${what}`);
  }

  private quoted(): Buffer {
    const text = this.text;
    this.pos++;
    const out: number[] = [];
    for (;;) {
      if (this.pos >= text.length) this.fail('Unterminated quoted string');
      const b = text[this.pos++] as number;
      if (b === DQUOTE) break;
      if (b === BACKSLASH) {
        const escaped = this.pos < text.length ? (text[this.pos++] as number) : END;
        if (escaped !== DQUOTE && escaped !== BACKSLASH) this.fail('Invalid escape in quoted string');
        out.push(escaped);
        continue;
      }
      if (b === 0x00 || b === 0x0a || b === 0x0d) this.fail('Invalid character in quoted string');
      if (b >= 0x80 && !this.options.utf8) this.fail('8-bit characters in a quoted string need UTF8=ACCEPT; use a literal');
      out.push(b);
    }
    return Buffer.from(out);
  }

  /** astring = 1*ASTRING-CHAR / string, as octets. */
  astringBytes(what = 'string'): Buffer {
    const b = this.peek();
    if (b === DQUOTE || (b === END && this.atLiteral())) return this.stringBytes(what);
    const bytes = this.run(isAstringChar);
    if (bytes.length === 0) this.fail(`Expected ${what}`);
    return bytes;
  }

  astring(what = 'string'): string {
    return this.decode(this.astringBytes(what), what);
  }

  string(what = 'string'): string {
    return this.decode(this.stringBytes(what), what);
  }

  /** nstring = string / NIL. */
  nstring(what = 'string'): string | null {
    if (this.tryKeyword('NIL')) return null;
    return this.string(what);
  }

  private decode(bytes: Uint8Array, what: string): string {
    try {
      return decodeUtf8(bytes, what);
    } catch (err) {
      throw err instanceof ImapParseError ? err.withContext(this.tag, this.command) : err;
    }
  }

  /**
   * mailbox = "INBOX" / astring, decoded from modified UTF-7 or UTF-8 by the session mode; INBOX normalised
   * unless `normalise` is false (a LIST reference).
   */
  mailbox(normalise = true): string {
    const name = this.mailboxName(this.astringBytes('mailbox name'));
    return normalise ? normalizeInbox(name, this.options.delimiter) : name;
  }

  /** list-mailbox = 1*list-char / string (list-char adds "%", "*" and "]" to ATOM-CHAR). */
  listMailbox(): string {
    const b = this.peek();
    if (b === DQUOTE || (b === END && this.atLiteral())) return this.mailboxName(this.stringBytes('mailbox pattern'));
    const bytes = this.run((c) => isAstringChar(c) || c === 0x25 || c === 0x2a);
    if (bytes.length === 0) this.fail('Expected a mailbox pattern');
    return this.mailboxName(bytes);
  }

  private mailboxName(bytes: Uint8Array): string {
    try {
      return decodeMailboxName(bytes, this.options.utf8);
    } catch (err) {
      if (err instanceof MailboxNameError) this.fail(err.message, { status: 'NO', code: { code: 'CANNOT' } });
      throw err;
    }
  }

  /** "(" item *(SP item) ")"; an empty list only when `allowEmpty`. */
  list<T>(item: () => T, allowEmpty = false, what = 'list'): T[] {
    return this.nested(() => {
      this.expect(LPAREN, `"(" to open ${what}`);
      const items: T[] = [];
      if (this.tryByte(RPAREN)) {
        if (!allowEmpty) this.fail(`Empty ${what}`);
        return items;
      }
      for (;;) {
        items.push(item());
        if (this.tryByte(RPAREN)) return items;
        if (!this.trySp()) this.fail(`Expected ")" to close ${what}`);
      }
    });
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
