// Parsers for SCRAM client messages (RFC 5802 §7): client-first-message and client-final-message. Pure; never throw.
import { saslprep } from '../password/saslprep.js';
import { MAX_MESSAGE, utf8, validIdentity } from './outcome.js';

export interface ClientFirst {
  /** The gs2 header exactly as sent (`n,,`, `y,,` or with `a=`); the client echoes it in c=. */
  gs2Header: string;
  /** 'n': client does not support channel binding; 'y': it does but believes the server does not. */
  cbindFlag: 'n' | 'y';
  /** Decoded authorization identity; '' when absent. */
  authzid: string;
  /** Decoded and SASLprep-ed user name. */
  username: string;
  clientNonce: string;
  /** client-first-message-bare, part of AuthMessage. */
  bare: string;
}

export interface ClientFinal {
  /** Decoded c= value: gs2 header plus channel-binding data. */
  channelBinding: Buffer;
  nonce: string;
  proof: Buffer;
  /** client-final-message-without-proof, part of AuthMessage. */
  withoutProof: string;
}

/** value-safe printable characters of a nonce: %x21-2B / %x2D-7E (no comma). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a saslname: `=2C` is ',' and `=3D` is '='; any other '=' is an error (RFC 5802 §5.1). */
export function decodeSaslname(text: string): string | null {
  if (/=(?!2C|3D)/.test(text)) return null;
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** Encodes a saslname for the client side (tests, a future SCRAM client). */
export function encodeSaslname(text: string): string {
  return text.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

export function parseClientFirst(data: Buffer): ClientFirst | string {
  if (data.length > MAX_MESSAGE) return 'message too long';
  if (data.includes(0)) return 'NUL in message';
  const text = utf8(data);
  if (text === null) return 'not UTF-8';
  const parts = text.split(',');
  const [flag = '', authzPart = '', ...bareParts] = parts;
  if (parts.length < 4) return 'too few attributes';
  if (flag.startsWith('p=')) return 'channel binding is not supported (no -PLUS mechanism is offered)';
  if (flag !== 'n' && flag !== 'y') return 'bad gs2 channel-binding flag';
  let authzid = '';
  if (authzPart !== '') {
    if (!authzPart.startsWith('a=')) return 'bad gs2 authzid';
    const decoded = decodeSaslname(authzPart.slice(2));
    if (decoded === null || !validIdentity(decoded)) return 'bad authzid';
    authzid = decoded;
  }
  const [first = ''] = bareParts;
  if (first.startsWith('m=')) return 'mandatory extension (m=) is not supported';
  const [userAttr = '', nonceAttr = ''] = bareParts;
  if (!userAttr.startsWith('n=')) return 'username (n=) expected';
  if (!nonceAttr.startsWith('r=')) return 'nonce (r=) expected';
  const decodedUser = decodeSaslname(userAttr.slice(2));
  if (decodedUser === null) return 'bad username encoding';
  const username = saslprep(decodedUser);
  if (username === null || !validIdentity(username)) return 'bad username';
  const clientNonce = nonceAttr.slice(2);
  if (!NONCE.test(clientNonce)) return 'bad nonce';
  for (const ext of bareParts.slice(2)) if (!/^[A-Za-z]=/.test(ext)) return 'bad extension attribute';
  return { gs2Header: `${flag},${authzPart},`, cbindFlag: flag, authzid, username, clientNonce, bare: bareParts.join(',') };
}

export function parseClientFinal(data: Buffer): ClientFinal | string {
  if (data.length > MAX_MESSAGE) return 'message too long';
  if (data.includes(0)) return 'NUL in message';
  const text = utf8(data);
  if (text === null) return 'not UTF-8';
  const proofAt = text.lastIndexOf(',p=');
  if (proofAt < 0) return 'proof (p=) expected last';
  const withoutProof = text.slice(0, proofAt);
  const proof = decodeBase64(text.slice(proofAt + 3));
  if (!proof || proof.length === 0) return 'proof is not base64';
  const attrs = withoutProof.split(',');
  const [cAttr = '', rAttr = '', ...extensions] = attrs;
  if (!cAttr.startsWith('c=')) return 'channel binding (c=) expected';
  if (!rAttr.startsWith('r=')) return 'nonce (r=) expected';
  const channelBinding = decodeBase64(cAttr.slice(2));
  if (!channelBinding) return 'channel binding is not base64';
  const nonce = rAttr.slice(2);
  if (!NONCE.test(nonce)) return 'bad nonce';
  for (const ext of extensions) if (!/^[A-Za-z]=/.test(ext) || ext.startsWith('p=')) return 'bad extension attribute';
  return { channelBinding, nonce, proof, withoutProof };
}
