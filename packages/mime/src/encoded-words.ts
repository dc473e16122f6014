// RFC 2047 encoded words in header text, decoded to UTF-8 for display and SEARCH.
import { decodeCharset, decodeUnlabelled } from './charset.js';
import { stringToBytes } from './header.js';

/** =?charset?encoding?text?= with the charset possibly carrying an RFC 2231 `*language` suffix. */
const WORD = /=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=/g;

/** Decodes the payload of one encoded word to octets. */
export function decodeWordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') {
    return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out.push(0x20);
    else if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}

function charsetOf(label: string): string {
  const star = label.indexOf('*');
  return (star >= 0 ? label.slice(0, star) : label).toLowerCase();
}

/**
 * Decodes every encoded word in `value` (a byte string, as header values are kept) and returns UTF-8 text.
 * Whitespace between adjacent encoded words is dropped (RFC 2047 §6.2); adjacent words in the same charset are
 * joined before conversion so characters split across words survive. Text outside encoded words is unfolded and
 * read as UTF-8, or Windows-1252 when it is not valid UTF-8. Malformed words are left as they are.
 */
export function decodeWords(value: string): string {
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flush = (): void => {
    if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = null;
  };
  WORD.lastIndex = 0;
  for (let m = WORD.exec(value); m; m = WORD.exec(value)) {
    const between = value.slice(last, m.index);
    const adjacent = pending !== null && /^[ \t\r\n]*$/.test(between);
    if (!adjacent) {
      flush();
      out += plain(between);
    }
    const charset = charsetOf(m[1]!);
    const bytes = decodeWordBytes(m[2]!, m[3]!);
    const open = pending as { charset: string; bytes: Buffer[] } | null;
    if (open && open.charset === charset) open.bytes.push(bytes);
    else {
      flush();
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + plain(value.slice(last));
}

function plain(text: string): string {
  if (text === '') return '';
  return decodeUnlabelled(stringToBytes(text.replace(/\r?\n/g, '')));
}

/** Decodes a header value for searching and display: unfolded, encoded words decoded, UTF-8. */
export function decodeHeaderValue(value: string): string {
  return decodeWords(value);
}
