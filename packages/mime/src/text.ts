// Text of a part for searching: transfer encoding undone, then the declared charset converted to UTF-8.
import { decodeCharset, decodeUnlabelled } from './charset.js';
import { decodeBody } from './decode.js';
import { decodeParams } from './rfc2231.js';
import type { MimePart } from './types.js';

/**
 * The body of a leaf part as UTF-8 text (IMAP SEARCH BODY/TEXT, snippets): Content-Transfer-Encoding decoded,
 * then converted from the charset parameter; without one, read as UTF-8 or Windows-1252. Pass the body octets
 * [bodyStart, bodyEnd) of the part. Unknown transfer encodings leave the octets as they are.
 */
export function partText(part: MimePart, body: Uint8Array): string {
  let bytes: Uint8Array;
  try {
    bytes = decodeBody(body, part.kind === 'text' || part.kind === 'basic' ? part.transferEncoding : null);
  } catch {
    bytes = body;
  }
  const charset = decodeParams(part.params).charset;
  return charset ? decodeCharset(bytes, charset) : decodeUnlabelled(bytes);
}
