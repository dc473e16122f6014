// Strict base64 (RFC 4648 §4, padded) for SASL exchanges (RFC 4954 §4): anything else is a syntax error.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes padded base64; undefined when the text is not exactly that. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const out = Buffer.from(text, 'base64');
  // Non-canonical trailing bits (e.g. "QR==") decode silently; refuse them so every input has one meaning.
  return out.toString('base64') === text ? out : undefined;
}
