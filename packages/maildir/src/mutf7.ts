// Modified UTF-7 (RFC 3501 §5.1.3): the encoding IMAP and Dovecot's Maildir++ layout use for non-ASCII folder names.
import { MailboxNameError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Encodes a Unicode string in modified UTF-7: printable ASCII as is, "&" as "&-", the rest as &<base64 of UTF-16BE>-. */
export function encodeMutf7(text: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes: number[] = [];
    for (const unit of pending) bytes.push(unit >> 8, unit & 0xff);
    let bits = 0;
    let acc = 0;
    out += '&';
    for (const b of bytes) {
      acc = (acc << 8) | b;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += B64[(acc >> bits) & 0x3f];
      }
    }
    if (bits > 0) out += B64[(acc << (6 - bits)) & 0x3f];
    out += '-';
    pending = [];
  };
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : text[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/**
 * Decodes modified UTF-7. Throws MailboxNameError on anything RFC 3501 does not allow: bytes outside
 * printable ASCII, unterminated or non-canonical shifts, encoded printable ASCII, broken surrogates.
 */
export function decodeMutf7(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) throw new MailboxNameError(text, 'not modified UTF-7 (raw non-ASCII byte)');
    if (ch !== '&') {
      out += ch;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end < 0) throw new MailboxNameError(text, 'not modified UTF-7 (unterminated &)');
    if (end === i + 1) {
      out += '&';
      i = end;
      continue;
    }
    out += decodeShift(text, text.slice(i + 1, end));
    i = end;
  }
  return out;
}

function decodeShift(whole: string, chunk: string): string {
  let acc = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (const c of chunk) {
    const v = B64_INDEX.get(c);
    if (v === undefined) throw new MailboxNameError(whole, `not modified UTF-7 (bad base64 character ${JSON.stringify(c)})`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) throw new MailboxNameError(whole, 'not modified UTF-7 (non-zero padding bits)');
  if (bytes.length % 2 !== 0) throw new MailboxNameError(whole, 'not modified UTF-7 (odd byte count)');
  let out = '';
  for (let j = 0; j < bytes.length; j += 2) {
    const unit = ((bytes[j] as number) << 8) | (bytes[j + 1] as number);
    if (unit >= 0x20 && unit <= 0x7e) throw new MailboxNameError(whole, 'not modified UTF-7 (printable ASCII encoded in base64)');
    out += String.fromCharCode(unit);
  }
  if (!isWellFormed(out)) throw new MailboxNameError(whole, 'not modified UTF-7 (broken UTF-16 surrogate pair)');
  return out;
}

/** True when the string has no lone UTF-16 surrogates. */
export function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
