// SHA-256-crypt and SHA-512-crypt ($5$, $6$): the glibc crypt(3) algorithm as specified by Ulrich Drepper ("Unix crypt using SHA-256 and SHA-512").
import { createHash, randomBytes } from 'node:crypto';
import { PasswordSchemeError } from './errors.js';

export type ShaCryptVariant = 'sha256' | 'sha512';

export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;
export const SHA_CRYPT_MIN_ROUNDS = 1000;
export const SHA_CRYPT_MAX_ROUNDS = 999_999_999;
const SALT_MAX = 16;

/** The 64-character alphabet of crypt(3) ("./0-9A-Za-z"), least significant six bits first. */
export const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const PREFIX: Record<ShaCryptVariant, string> = { sha256: '$5$', sha512: '$6$' };

/** The byte triplets of the final digest in output order (from the specification's b64_from_24bit calls). */
const ORDER_256: [number, number, number][] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
  [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];
const ORDER_512: [number, number, number][] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

/** Encodes 24 bits (b2 most significant) as `n` crypt characters, low bits first. */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += CRYPT_ALPHABET[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function encodeDigest(variant: ShaCryptVariant, d: Buffer): string {
  const at = (i: number): number => d[i] ?? 0;
  let out = '';
  if (variant === 'sha256') {
    for (const [a, b, c] of ORDER_256) out += b64From24(at(a), at(b), at(c), 4);
    out += b64From24(0, at(31), at(30), 3);
  } else {
    for (const [a, b, c] of ORDER_512) out += b64From24(at(a), at(b), at(c), 4);
    out += b64From24(0, 0, at(63), 2);
  }
  return out;
}

/** Repeats `src` (a digest) to fill `len` bytes: the P and S byte sequences of steps 16 and 20. */
function fill(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += src.length) src.copy(out, i, 0, Math.min(src.length, len - i));
  return out;
}

/** The raw digest of the algorithm (steps 1–21 of the specification). */
export function shaCryptDigest(variant: ShaCryptVariant, key: Buffer, salt: Buffer, rounds: number): Buffer {
  const algo = variant === 'sha256' ? 'sha256' : 'sha512';
  const h = () => createHash(algo);
  const size = variant === 'sha256' ? 32 : 64;

  // Digest B = H(key salt key).
  const b = h().update(key).update(salt).update(key).digest();
  // Digest A = H(key salt B-repeated-to-key-length bits-of-key-length).
  const a = h().update(key).update(salt);
  let cnt = key.length;
  for (; cnt > size; cnt -= size) a.update(b);
  a.update(b.subarray(0, cnt));
  for (cnt = key.length; cnt > 0; cnt >>>= 1) a.update(cnt & 1 ? b : key);
  let c = a.digest();

  // Digest DP = H(key repeated key-length times) → P; digest DS = H(salt repeated 16 + A[0] times) → S.
  const dp = h();
  for (let i = 0; i < key.length; i++) dp.update(key);
  const p = fill(dp.digest(), key.length);
  const ds = h();
  for (let i = 0; i < 16 + (c[0] ?? 0); i++) ds.update(salt);
  const s = fill(ds.digest(), salt.length);

  for (let i = 0; i < rounds; i++) {
    const r = h();
    r.update(i & 1 ? p : c);
    if (i % 3 !== 0) r.update(s);
    if (i % 7 !== 0) r.update(p);
    r.update(i & 1 ? c : p);
    c = r.digest();
  }
  return c;
}

export interface ShaCryptSetting {
  variant: ShaCryptVariant;
  /** Rounds after clamping to the allowed range. */
  rounds: number;
  /** Whether `rounds=` was written in the setting (and so appears in the output). */
  roundsExplicit: boolean;
  /** At most 16 characters. */
  salt: string;
}

/** Parses a `$5$[rounds=N$]salt[$hash]` setting or full hash; the salt ends at the first `$` and is cut at 16 characters. */
export function parseShaCryptSetting(setting: string): ShaCryptSetting {
  const variant: ShaCryptVariant | undefined = setting.startsWith('$5$') ? 'sha256' : setting.startsWith('$6$') ? 'sha512' : undefined;
  if (!variant) throw new PasswordSchemeError('malformed', 'not a $5$ or $6$ crypt string');
  let rest = setting.slice(3);
  let rounds = SHA_CRYPT_DEFAULT_ROUNDS;
  let roundsExplicit = false;
  const m = /^rounds=(\d{1,10})\$/.exec(rest);
  if (m) {
    rounds = Math.min(SHA_CRYPT_MAX_ROUNDS, Math.max(SHA_CRYPT_MIN_ROUNDS, Number(m[1])));
    roundsExplicit = true;
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith('rounds=')) {
    throw new PasswordSchemeError('malformed', 'bad rounds= in crypt string');
  }
  const end = rest.indexOf('$');
  const salt = (end < 0 ? rest : rest.slice(0, end)).slice(0, SALT_MAX);
  return { variant, rounds, roundsExplicit, salt };
}

/** crypt(3) for `$5$` and `$6$` settings: returns the full hash string. */
export function shaCrypt(password: string | Buffer, setting: string): string {
  const s = parseShaCryptSetting(setting);
  const key = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  const digest = shaCryptDigest(s.variant, key, Buffer.from(s.salt, 'utf8'), s.rounds);
  const head = PREFIX[s.variant] + (s.roundsExplicit ? `rounds=${s.rounds}$` : '') + s.salt;
  return `${head}$${encodeDigest(s.variant, digest)}`;
}

/** A random salt of crypt characters. */
export function randomCryptSalt(length = SALT_MAX): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += CRYPT_ALPHABET[b & 0x3f];
  return out;
}

/** A new `$5$`/`$6$` hash with a random 16-character salt; `rounds=` is written only when it is not the default. */
export function shaCryptHash(password: string, variant: ShaCryptVariant, rounds = SHA_CRYPT_DEFAULT_ROUNDS): string {
  if (!Number.isInteger(rounds) || rounds < SHA_CRYPT_MIN_ROUNDS || rounds > SHA_CRYPT_MAX_ROUNDS) {
    throw new PasswordSchemeError('unsupported', `rounds must be an integer from ${SHA_CRYPT_MIN_ROUNDS} to ${SHA_CRYPT_MAX_ROUNDS}`, variant === 'sha256' ? 'SHA256-CRYPT' : 'SHA512-CRYPT');
  }
  const roundsPart = rounds === SHA_CRYPT_DEFAULT_ROUNDS ? '' : `rounds=${rounds}$`;
  return shaCrypt(password, `${PREFIX[variant]}${roundsPart}${randomCryptSalt()}`);
}

/** Whether `hash` is a complete `$5$`/`$6$` string (setting plus the digest of the right length). */
export function isShaCryptHash(hash: string): boolean {
  const m = /^\$([56])\$(?:rounds=\d{1,10}\$)?[^$]{0,16}\$([./0-9A-Za-z]+)$/.exec(hash);
  return m !== null && (m[2] ?? '').length === (m[1] === '5' ? 43 : 86);
}
