// Message-ID, In-Reply-To and References values (RFC 5322 §3.6.4): msg-id extraction with obsolete-syntax tolerance.
import { Rfc822Cursor } from './rfc822.js';

/**
 * Every msg-id in a header value, each normalised to `<left@right>` (comments, folding and quoting whitespace
 * removed, quoted local parts kept quoted only when they need it). Tokens that are not well-formed but are a
 * plain `<…>` without whitespace are kept as written; anything else is skipped.
 */
export function messageIds(value: string): string[] {
  const out: string[] = [];
  const c = new Rfc822Cursor(value);
  while (c.skipLwsp() > 0) {
    if (c.peek() !== 0x3c) {
      // skip a stray word (obsolete phrases in In-Reply-To) up to the next '<'
      const next = value.indexOf('<', c.pos + 1);
      if (next < 0) break;
      c.pos = next;
      continue;
    }
    const start = c.pos;
    const id = parseOne(c);
    if (id !== null) {
      out.push(id);
      continue;
    }
    const close = value.indexOf('>', start);
    const inner = close < 0 ? '' : value.slice(start + 1, close);
    if (inner !== '' && !/[\s<]/.test(inner)) out.push(`<${inner}>`);
    if (close < 0) break;
    c.pos = close + 1;
  }
  return out;
}

function parseOne(c: Rfc822Cursor): string | null {
  c.pos++;
  if (c.skipLwsp() <= 0) return null;
  const left: string[] = [];
  let ret;
  if (c.peek() === 0x22) {
    ret = c.quotedString(left);
    const text = left.join('');
    left.length = 0;
    left.push(/^[!#-'*+\-/-9=?A-Z^-~.]+$/.test(text) ? text : `"${text.replace(/(["\\])/g, '\\$1')}"`);
  } else ret = c.dotAtom(left);
  if (ret <= 0 || c.peek() !== 0x40) return null;
  const right: string[] = [];
  if (c.domain(right) <= 0 || c.peek() !== 0x3e) return null;
  c.pos++;
  return `<${left.join('')}@${right.join('')}>`;
}

/** The first msg-id of a Message-ID header value, or null. */
export function messageId(value: string): string | null {
  return messageIds(value)[0] ?? null;
}
