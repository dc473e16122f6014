// Shared pieces of the mechanisms: result constructors, strict UTF-8 text, and the authorization-identity rule.
import type { SaslBackend, SaslStep } from './types.js';

/** Longest client message any mechanism accepts, in bytes (RFC 4616 asks for at least 255 per field). */
export const MAX_MESSAGE = 8192;
/** Longest identity or password accepted, in bytes. */
export const MAX_FIELD = 1024;

export const challenge = (data: Buffer | string): SaslStep => ({ kind: 'challenge', data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data });
export const malformed = (detail: string): SaslStep => ({ kind: 'failure', reason: 'malformed', detail });
export const badCredentials = (detail = 'wrong user or password'): SaslStep => ({ kind: 'failure', reason: 'credentials', detail });
export const unavailable = (detail: string): SaslStep => ({ kind: 'failure', reason: 'unavailable', temporary: true, detail });
export const outOfSequence = (): SaslStep => ({ kind: 'failure', reason: 'sequence', detail: 'the exchange is already over' });

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly; null for invalid sequences. */
export function utf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Whether an identity is usable: non-empty, within MAX_FIELD bytes, no control characters. */
export function validIdentity(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return text.length > 0 && Buffer.byteLength(text, 'utf8') <= MAX_FIELD && !/[\u0000-\u001f\u007f]/.test(text);
}

/**
 * Applies the authorization identity: empty, equal to the identity the client authenticated as, or equal to its
 * canonical account → the account itself; anything else only when the backend's mayActAs grants it.
 */
export async function authorize(backend: SaslBackend, authcid: string, account: string, authzid: string, data?: Buffer): Promise<SaslStep> {
  const ok = (as: string): SaslStep => (data ? { kind: 'success', authcid: account, authzid: as, data } : { kind: 'success', authcid: account, authzid: as });
  if (authzid === '' || authzid === authcid || authzid === account) return ok(account);
  if (!backend.mayActAs) return { kind: 'failure', reason: 'authzid', detail: 'proxy authorization is not allowed' };
  let allowed: boolean;
  try {
    allowed = await backend.mayActAs(account, authzid);
  } catch {
    return unavailable('the backend failed to check proxy authorization');
  }
  return allowed ? ok(authzid) : { kind: 'failure', reason: 'authzid', detail: 'not allowed to act as that identity' };
}

/** Calls verifyPlain, turning a backend error into a temporary failure. */
export async function checkPlain(backend: SaslBackend, authcid: string, password: string): Promise<{ account: string | null } | { error: SaslStep }> {
  try {
    return { account: await backend.verifyPlain(authcid, password) };
  } catch {
    return { error: unavailable('the backend failed to verify the password') };
  }
}
