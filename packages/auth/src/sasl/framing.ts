// What every daemon needs around the step objects: decoding client lines (base64, `=` and `*`) and encoding challenges.

export type ClientResponse =
  /** The client gave up (`*`): answer with a protocol error (SMTP 501 5.7.0, IMAP BAD, POP3 -ERR) and end the exchange. */
  | { kind: 'cancel' }
  | { kind: 'response'; data: Buffer }
  /** Not base64: the exchange ends with a syntax error (SMTP 501 5.5.2, IMAP BAD). */
  | { kind: 'invalid' };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes one client line of an exchange, or an initial-response argument, without its line ending.
 * `*` cancels; `=` and the empty line are an empty response (RFC 4954 §4, RFC 4959 §3); anything else must be
 * padded base64 (RFC 4648) or it is invalid.
 */
export function decodeClientResponse(line: string): ClientResponse {
  if (line === '*') return { kind: 'cancel' };
  if (line === '=' || line === '') return { kind: 'response', data: Buffer.alloc(0) };
  if (!BASE64.test(line)) return { kind: 'invalid' };
  return { kind: 'response', data: Buffer.from(line, 'base64') };
}

/** A challenge as the text after `334 ` or `+ `: base64, and empty for empty data. */
export function encodeChallenge(data: Buffer): string {
  return data.toString('base64');
}
