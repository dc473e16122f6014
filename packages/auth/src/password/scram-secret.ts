// SCRAM secrets (RFC 5802 §3): SaltedPassword, StoredKey and ServerKey, and Dovecot's stored form `iter,salt,storedkey,serverkey`.
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { decodeBase64 } from './encoding.js';
import { PasswordSchemeError } from './errors.js';
import { saslprep } from './saslprep.js';

const pbkdf2Async = promisify(pbkdf2);

export type ScramHash = 'sha1' | 'sha256';

/** Digest length in bytes of each SCRAM hash. */
export const SCRAM_HASH_LENGTH: Record<ScramHash, number> = { sha1: 20, sha256: 32 };
export const SCRAM_DEFAULT_ITERATIONS = 4096;
/** RFC 7677 §4 asks for at least 4096 iterations for new secrets. */
export const SCRAM_MIN_ITERATIONS = 4096;
/** Upper bound for stored and generated counts, so a damaged entry cannot stall a login for minutes. */
export const SCRAM_MAX_ITERATIONS = 10_000_000;

export interface ScramKeys {
  hash: ScramHash;
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function hmac(hash: ScramHash, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

/** The password as SCRAM hashes it: SASLprep'd when that succeeds, else as given (as Dovecot does), in UTF-8. */
export function scramPasswordBytes(password: string): Buffer {
  return Buffer.from(saslprep(password) ?? password, 'utf8');
}

/** Hi(Normalize(password), salt, i) of RFC 5802: PBKDF2 with HMAC and one output block. */
export async function saltedPassword(hash: ScramHash, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2Async(scramPasswordBytes(password), salt, iterations, SCRAM_HASH_LENGTH[hash], hash);
}

/** StoredKey and ServerKey from a SaltedPassword. */
export function keysFromSalted(hash: ScramHash, salted: Buffer, salt: Buffer, iterations: number): ScramKeys {
  const clientKey = hmac(hash, salted, 'Client Key');
  return { hash, iterations, salt, storedKey: digest(hash, clientKey), serverKey: hmac(hash, salted, 'Server Key') };
}

export async function scramKeysFromPassword(hash: ScramHash, password: string, salt: Buffer, iterations: number): Promise<ScramKeys> {
  return keysFromSalted(hash, await saltedPassword(hash, password, salt, iterations), salt, iterations);
}

/** New SCRAM keys with a random 16-byte salt. */
export async function generateScramKeys(hash: ScramHash, password: string, iterations = SCRAM_DEFAULT_ITERATIONS): Promise<ScramKeys> {
  if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
    throw new PasswordSchemeError('unsupported', `SCRAM iterations must be an integer from ${SCRAM_MIN_ITERATIONS} to ${SCRAM_MAX_ITERATIONS}`, scramSchemeName(hash));
  }
  return scramKeysFromPassword(hash, password, randomBytes(16), iterations);
}

export function scramSchemeName(hash: ScramHash): 'SCRAM-SHA-1' | 'SCRAM-SHA-256' {
  return hash === 'sha1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
}

/** Dovecot's stored form without the `{SCHEME}` prefix. */
export function formatScramKeys(keys: ScramKeys): string {
  return [keys.iterations, keys.salt.toString('base64'), keys.storedKey.toString('base64'), keys.serverKey.toString('base64')].join(',');
}

/** Parses `iter,salt,storedkey,serverkey` (base64 fields); throws PasswordSchemeError('malformed'). */
export function parseScramKeys(hash: ScramHash, text: string): ScramKeys {
  const scheme = scramSchemeName(hash);
  const parts = text.split(',');
  if (parts.length !== 4) throw new PasswordSchemeError('malformed', `${scheme} needs iter,salt,storedkey,serverkey`, scheme);
  const [iterText = '', saltText = '', storedText = '', serverText = ''] = parts;
  if (!/^[1-9]\d{0,9}$/.test(iterText)) throw new PasswordSchemeError('malformed', `${scheme} iteration count is not a number`, scheme);
  const iterations = Number(iterText);
  if (iterations > SCRAM_MAX_ITERATIONS) throw new PasswordSchemeError('malformed', `${scheme} iteration count is too large`, scheme);
  const salt = decodeBase64(saltText);
  const storedKey = decodeBase64(storedText);
  const serverKey = decodeBase64(serverText);
  const len = SCRAM_HASH_LENGTH[hash];
  if (!salt || salt.length === 0) throw new PasswordSchemeError('malformed', `${scheme} salt is not base64`, scheme);
  if (!storedKey || storedKey.length !== len || !serverKey || serverKey.length !== len) {
    throw new PasswordSchemeError('malformed', `${scheme} keys must be ${len} bytes of base64`, scheme);
  }
  return { hash, iterations, salt, storedKey, serverKey };
}
