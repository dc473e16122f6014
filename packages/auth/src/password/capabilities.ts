// Which authentication mechanisms a stored password allows: challenge-response mechanisms need the plaintext or their own secret.
import { createHash } from 'node:crypto';
import { equalBytes } from './compare.js';
import { parseStored, type StoredPassword } from './stored.js';

/** Mechanism names (SASL, plus POP3 APOP) a stored password can serve. */
export type CredentialMechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'APOP';

/**
 * The mechanisms a stored password allows: PLAIN and LOGIN for every readable scheme; CRAM-MD5 only for {PLAIN} and
 * {CRAM-MD5}; SCRAM-SHA-256 for {PLAIN} or {SCRAM-SHA-256}; SCRAM-SHA-1 for {PLAIN} or {SCRAM-SHA-1}; APOP only
 * for {PLAIN}. An unreadable value allows nothing.
 */
export function saslCapabilities(stored: string | StoredPassword): CredentialMechanism[] {
  let parsed: StoredPassword;
  try {
    parsed = typeof stored === 'string' ? parseStored(stored) : stored;
  } catch {
    return [];
  }
  const out: CredentialMechanism[] = ['PLAIN', 'LOGIN'];
  switch (parsed.kind) {
    case 'plain':
      out.push('CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'APOP');
      break;
    case 'cram-md5':
      out.push('CRAM-MD5');
      break;
    case 'scram':
      out.push(parsed.scheme);
      break;
    default:
      break;
  }
  return out;
}

/**
 * POP3 APOP (RFC 1939 §7): whether `digestHex` is MD5(timestamp + password) for a {PLAIN} stored password.
 * Any other scheme cannot serve APOP and gives false.
 */
export function verifyApop(stored: string, timestamp: string, digestHex: string): boolean {
  let parsed: StoredPassword;
  try {
    parsed = parseStored(stored);
  } catch {
    return false;
  }
  if (parsed.kind !== 'plain' || !/^[0-9a-fA-F]{32}$/.test(digestHex)) return false;
  const expected = createHash('md5').update(timestamp, 'utf8').update(parsed.password, 'utf8').digest();
  return equalBytes(expected, Buffer.from(digestHex, 'hex'));
}
