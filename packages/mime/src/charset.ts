// Character set conversion to UTF-8 (through libmime's charset tables) and the handling of raw 8-bit header text.
import libmime from 'libmime';

/** Decodes `bytes` written in `charset` (an RFC 2231 `*language` suffix is ignored) to a UTF-8 string. */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const name = charset.trim().toLowerCase();
  if (name === '' || name === 'us-ascii' || name === 'ascii' || name === 'utf-8' || name === 'utf8') {
    return buf.toString('utf8');
  }
  try {
    return libmime.decodeWord(charset, 'B', buf.toString('base64'));
  } catch {
    return buf.toString('utf8');
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

/**
 * Interprets raw header or body octets that carry no charset label: as UTF-8 when they are valid UTF-8,
 * otherwise as Windows-1252 (the usual superset of Latin-1 in unlabelled mail).
 */
export function decodeUnlabelled(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return cp1252.decode(bytes);
  }
}
