// Generation of new stored passwords in Dovecot's `{SCHEME}value` form (what `doveadm pw -s SCHEME` writes).
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { cramMd5Context } from './cram-md5.js';
import { PasswordSchemeError } from './errors.js';
import { formatScramKeys, generateScramKeys, SCRAM_DEFAULT_ITERATIONS } from './scram-secret.js';
import { SHA_CRYPT_DEFAULT_ROUNDS, shaCryptHash } from './sha-crypt.js';
import { SCHEMES, type Encoding, type SchemeName } from './stored.js';

/** The scheme for new passwords. */
export const DEFAULT_SCHEME: SchemeName = 'ARGON2ID';

/** Argon2 costs Dovecot uses for new ARGON2ID hashes (64 MiB, 3 passes, 1 lane). */
export const ARGON2ID_DEFAULTS = { memoryCost: 65536, timeCost: 3, parallelism: 1 } as const;
/** Argon2i costs Dovecot uses (32 MiB, 4 passes, 1 lane). */
export const ARGON2I_DEFAULTS = { memoryCost: 32768, timeCost: 4, parallelism: 1 } as const;
/** bcrypt cost for new BLF-CRYPT hashes (Dovecot's own default is 5, too cheap today). */
export const BCRYPT_DEFAULT_COST = 10;
/** bcrypt reads at most this many bytes of the password. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;
/** Salt length of the SSHA family, as Dovecot writes it. */
const SSHA_SALT_BYTES = 4;

export interface HashOptions {
  /**
   * Work factor, as `doveadm pw -r`: rounds for SHA*-CRYPT, cost (log2) for BLF-CRYPT, iterations for SCRAM-*,
   * passes (t) for ARGON2*. Ignored by schemes without one.
   */
  rounds?: number;
  /** Argon2 memory in KiB. */
  memoryCost?: number;
  /** Argon2 lanes. */
  parallelism?: number;
  /** Text encoding of binary values; written as the `.HEX`/`.B64` suffix when it differs from the scheme's default. */
  encoding?: 'base64' | 'hex';
}

const DEFAULT_ENCODING: Partial<Record<SchemeName, Encoding>> = {
  SSHA512: 'base64', SSHA256: 'base64', SSHA: 'base64', SHA512: 'base64', SHA256: 'base64', SHA1: 'base64', 'CRAM-MD5': 'hex',
};

/** Canonical name for a scheme given by the operator (case-insensitive; SHA and CLEAR aliases accepted). */
export function normalizeScheme(name: string): SchemeName {
  const upper = name.trim().toUpperCase();
  const alias: Record<string, SchemeName> = { SHA: 'SHA1', CLEAR: 'PLAIN', CLEARTEXT: 'PLAIN', 'HMAC-MD5': 'CRAM-MD5' };
  const scheme = alias[upper] ?? (SCHEMES as readonly string[]).find((s) => s === upper);
  if (!scheme) throw new PasswordSchemeError('unknown-scheme', `unknown password scheme ${name}; known: ${SCHEMES.join(', ')}`, upper);
  return scheme as SchemeName;
}

function checkInt(value: number, min: number, max: number, what: string, scheme: SchemeName): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PasswordSchemeError('unsupported', `${what} for ${scheme} must be an integer from ${min} to ${max}`, scheme);
  }
  return value;
}

async function argon2Hash(password: string, scheme: 'ARGON2ID' | 'ARGON2I', opts: HashOptions): Promise<string> {
  const d = scheme === 'ARGON2ID' ? ARGON2ID_DEFAULTS : ARGON2I_DEFAULTS;
  return argon2.hash(password, {
    type: scheme === 'ARGON2ID' ? argon2.argon2id : argon2.argon2i,
    timeCost: checkInt(opts.rounds ?? d.timeCost, 1, 1000, 'rounds', scheme),
    memoryCost: checkInt(opts.memoryCost ?? d.memoryCost, 8192, 4 * 1024 * 1024, 'memory (KiB)', scheme),
    parallelism: checkInt(opts.parallelism ?? d.parallelism, 1, 64, 'parallelism', scheme),
    hashLength: 32,
    salt: randomBytes(16),
  });
}

async function bcryptHash(password: string, opts: HashOptions): Promise<string> {
  if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES) {
    throw new PasswordSchemeError('bad-password', `BLF-CRYPT reads only the first ${BCRYPT_MAX_PASSWORD_BYTES} bytes of a password; choose another scheme for longer ones`, 'BLF-CRYPT');
  }
  const cost = checkInt(opts.rounds ?? BCRYPT_DEFAULT_COST, 4, 31, 'cost', 'BLF-CRYPT');
  const hash = await bcrypt.hash(password, cost);
  // Dovecot writes $2y$; it is the same algorithm as bcryptjs' $2b$.
  return hash.replace(/^\$2[ab]\$/, '$2y$');
}

/** The value after `{SCHEME}` as raw bytes (binary schemes) or text (crypt-like schemes). */
async function generate(password: string, scheme: SchemeName, opts: HashOptions): Promise<Buffer | string> {
  const pw = Buffer.from(password, 'utf8');
  const salted = (algo: string) => {
    const salt = randomBytes(SSHA_SALT_BYTES);
    return Buffer.concat([createHash(algo).update(pw).update(salt).digest(), salt]);
  };
  switch (scheme) {
    case 'ARGON2ID':
    case 'ARGON2I':
      return argon2Hash(password, scheme, opts);
    case 'BLF-CRYPT':
      return bcryptHash(password, opts);
    case 'SHA512-CRYPT':
    case 'SHA256-CRYPT':
      return shaCryptHash(password, scheme === 'SHA512-CRYPT' ? 'sha512' : 'sha256', opts.rounds ?? SHA_CRYPT_DEFAULT_ROUNDS);
    case 'SSHA512':
      return salted('sha512');
    case 'SSHA256':
      return salted('sha256');
    case 'SSHA':
      return salted('sha1');
    case 'SHA512':
      return createHash('sha512').update(pw).digest();
    case 'SHA256':
      return createHash('sha256').update(pw).digest();
    case 'SHA1':
      return createHash('sha1').update(pw).digest();
    case 'CRAM-MD5':
      return cramMd5Context(pw);
    case 'PLAIN':
      return password;
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-1':
      return formatScramKeys(await generateScramKeys(scheme === 'SCRAM-SHA-1' ? 'sha1' : 'sha256', password, opts.rounds ?? SCRAM_DEFAULT_ITERATIONS));
  }
}

/**
 * Hashes a new password: returns `{SCHEME}value` as Dovecot writes it, e.g.
 * `{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$salt$hash`. Throws PasswordSchemeError for an unknown scheme,
 * out-of-range options, an empty password or one with a NUL byte (Dovecot stores C strings).
 */
export async function hashPassword(password: string, scheme: string = DEFAULT_SCHEME, opts: HashOptions = {}): Promise<string> {
  const name = normalizeScheme(scheme);
  if (password.length === 0) throw new PasswordSchemeError('bad-password', 'the password is empty', name);
  if (password.includes('\0')) throw new PasswordSchemeError('bad-password', 'the password contains a NUL byte', name);
  const value = await generate(password, name, opts);
  const natural = DEFAULT_ENCODING[name];
  if (typeof value === 'string') {
    if (!opts.encoding) return `{${name}}${value}`;
    const bytes = Buffer.from(value, 'utf8');
    return `{${name}.${opts.encoding === 'hex' ? 'HEX' : 'B64'}}${opts.encoding === 'hex' ? bytes.toString('hex') : bytes.toString('base64')}`;
  }
  const encoding = opts.encoding ?? natural ?? 'base64';
  const text = encoding === 'hex' ? value.toString('hex') : value.toString('base64');
  return encoding === natural ? `{${name}}${text}` : `{${name}.${encoding === 'hex' ? 'HEX' : 'B64'}}${text}`;
}
