// Strict decoders for the base64 and hex text inside stored password hashes (Node's own decoders skip bad input silently).

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;

/** Decodes standard base64 (padding optional); null when the text is not base64. */
export function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/** Decodes hex of even length, either case; null when the text is not hex. */
export function decodeHex(text: string): Buffer | null {
  return HEX.test(text) ? Buffer.from(text, 'hex') : null;
}
