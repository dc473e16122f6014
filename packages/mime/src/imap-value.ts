// Typed IMAP values (NIL, numbers, strings, lists) and their wire form, quoting as Dovecot does.

/** An IMAP data item: null is NIL; strings are byte strings (one char per octet); arrays are parenthesised lists. */
export type ImapValue = null | number | string | ImapValue[];

/** Up to this many quoted-specials are escaped inside a quoted string; more make a literal (Dovecot's choice). */
const QUOTED_MAX_ESCAPES = 4;

/** Writes a string as a quoted string, or as a literal when it has CR, LF, 8-bit octets or many quoted-specials. */
export function imapString(s: string): string {
  let escapes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) {
      if (escapes++ < QUOTED_MAX_ESCAPES) continue;
      return literal(s);
    }
    if (c === 0x0d || c === 0x0a || c >= 0x80 || c === 0) return literal(s);
  }
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

function literal(s: string): string {
  return `{${s.length}}\r\n${s}`;
}

/**
 * Serialises a value to IMAP wire syntax. The result is a byte string: write it with the 'latin1' encoding
 * (or use toImapBuffer). Lists that open a list are written without spaces between them, as the grammar of
 * multipart bodies, address lists and namespaces has it: `((body)(body) "mixed")`, `((addr)(addr))`.
 */
export function toImapString(value: ImapValue): string {
  if (value === null) return 'NIL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return imapString(value);
  let out = '(';
  let leadingLists = true;
  for (let i = 0; i < value.length; i++) {
    const item = value[i]!;
    const isList = Array.isArray(item);
    if (i > 0 && !(leadingLists && isList)) out += ' ';
    if (!isList) leadingLists = false;
    out += toImapString(item);
  }
  return out + ')';
}

/** Serialises a value to the octets to send. */
export function toImapBuffer(value: ImapValue): Buffer {
  return Buffer.from(toImapString(value), 'latin1');
}

/**
 * Text for people (ENVELOPE subject and display names): tabs and line breaks become spaces, runs of whitespace
 * collapse to one, leading and trailing whitespace go, NUL becomes 0x80.
 */
export function forHumans(s: string): string {
  let out = '';
  let lastLwsp = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      if (!lastLwsp) out += ' ';
      lastLwsp = true;
    } else {
      out += c === 0 ? '\x80' : s[i];
      lastLwsp = false;
    }
  }
  return lastLwsp && out.endsWith(' ') ? out.slice(0, -1) : out;
}

/** Removes line breaks from a raw value, putting a space where the next line does not start with whitespace. */
export function noLineBreaks(s: string): string;
export function noLineBreaks(s: string | null): string | null;
export function noLineBreaks(s: string | null): string | null {
  if (s === null || !/[\r\n]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\r' && c !== '\n') out += c;
    else {
      const next = s[i + 1];
      if (next !== undefined && next !== ' ' && next !== '\t' && next !== '\r' && next !== '\n') out += ' ';
    }
  }
  return out;
}

/** Parses IMAP wire syntax (as in a FETCH response) back into a value; used by tests and tools. */
export function parseImapValue(text: string): ImapValue {
  let pos = 0;
  const skipSpace = (): void => {
    while (text[pos] === ' ') pos++;
  };
  const item = (): ImapValue => {
    skipSpace();
    const ch = text[pos];
    if (ch === '(') {
      pos++;
      const list: ImapValue[] = [];
      for (;;) {
        skipSpace();
        if (text[pos] === ')') {
          pos++;
          return list;
        }
        if (pos >= text.length) throw new SyntaxError('unterminated list');
        list.push(item());
      }
    }
    if (ch === '"') {
      let out = '';
      pos++;
      while (pos < text.length && text[pos] !== '"') {
        if (text[pos] === '\\') pos++;
        out += text[pos++];
      }
      pos++;
      return out;
    }
    if (ch === '{' || (ch === '~' && text[pos + 1] === '{')) {
      if (ch === '~') pos++;
      const close = text.indexOf('}', pos);
      const len = Number(text.slice(pos + 1, close).replace('+', ''));
      pos = close + 3;
      const s = text.slice(pos, pos + len);
      pos += len;
      return s;
    }
    // atoms, including FETCH item names such as BODY[HEADER.FIELDS (A B)]<0>
    const m = /^[^\s()"{}[]+(?:\[[^\]]*\](?:<\d+>)?)?/.exec(text.slice(pos));
    if (!m) throw new SyntaxError(`unexpected ${JSON.stringify(text.slice(pos, pos + 10))}`);
    pos += m[0].length;
    if (/^nil$/i.test(m[0])) return null;
    if (/^\d+$/.test(m[0])) return Number(m[0]);
    return m[0];
  };
  const v = item();
  return v;
}
