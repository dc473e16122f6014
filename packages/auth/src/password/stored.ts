// Parsing of stored passwords in Dovecot's `{SCHEME[.ENCODING]}value` form and of bare crypt strings ($6$, $5$, $2y$, $argon2id$).
import { decodeBase64, decodeHex } from './encoding.js';
import { PasswordSchemeError } from './errors.js';
import { CRAM_MD5_CONTEXT_LENGTH } from './cram-md5.js';
import { parseScramKeys, type ScramKeys } from './scram-secret.js';
import { isShaCryptHash } from './sha-crypt.js';

/** Every scheme name this suite reads (canonical, upper-case). */
export const SCHEMES = [
  'ARGON2ID', 'ARGON2I', 'BLF-CRYPT', 'SHA512-CRYPT', 'SHA256-CRYPT', 'SSHA512', 'SSHA256', 'SSHA',
  'SHA512', 'SHA256', 'SHA1', 'CRAM-MD5', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-1',
] as const;
export type SchemeName = (typeof SCHEMES)[number];

export type Encoding = 'none' | 'base64' | 'hex';
export type DigestAlgorithm = 'sha1' | 'sha256' | 'sha512';

interface Common {
  /** How the value was written: `{SCHEME}`, `{SCHEME.ENC}`, or a bare crypt string. */
  prefixed: boolean;
  encoding: Encoding;
}

export type StoredPassword = Common &
  (
    | { scheme: 'PLAIN'; kind: 'plain'; password: string }
    | { scheme: 'CRAM-MD5'; kind: 'cram-md5'; context: Buffer }
    | { scheme: 'SCRAM-SHA-1' | 'SCRAM-SHA-256'; kind: 'scram'; keys: ScramKeys }
    | { scheme: 'SHA1' | 'SHA256' | 'SHA512'; kind: 'digest'; algorithm: DigestAlgorithm; digest: Buffer }
    | { scheme: 'SSHA' | 'SSHA256' | 'SSHA512'; kind: 'salted-digest'; algorithm: DigestAlgorithm; digest: Buffer; salt: Buffer }
    | { scheme: 'SHA256-CRYPT' | 'SHA512-CRYPT'; kind: 'sha-crypt'; hash: string }
    | { scheme: 'BLF-CRYPT'; kind: 'bcrypt'; hash: string; cost: number }
    | { scheme: 'ARGON2ID' | 'ARGON2I'; kind: 'argon2'; hash: string; params: Argon2Params }
  );

export interface Argon2Params {
  /** Memory in KiB. */
  m: number;
  /** Passes. */
  t: number;
  /** Lanes. */
  p: number;
}

const ALIASES: Record<string, SchemeName | 'CRYPT'> = {
  ARGON2ID: 'ARGON2ID', ARGON2I: 'ARGON2I', 'BLF-CRYPT': 'BLF-CRYPT', 'SHA512-CRYPT': 'SHA512-CRYPT',
  'SHA256-CRYPT': 'SHA256-CRYPT', SSHA512: 'SSHA512', SSHA256: 'SSHA256', SSHA: 'SSHA', SHA512: 'SHA512',
  SHA256: 'SHA256', SHA: 'SHA1', SHA1: 'SHA1', 'CRAM-MD5': 'CRAM-MD5', 'HMAC-MD5': 'CRAM-MD5', PLAIN: 'PLAIN',
  CLEAR: 'PLAIN', CLEARTEXT: 'PLAIN', 'SCRAM-SHA-256': 'SCRAM-SHA-256', 'SCRAM-SHA-1': 'SCRAM-SHA-1', CRYPT: 'CRYPT',
};

/** Default encoding and, for fixed-size binary values, the raw length (Dovecot guesses hex vs base64 from it). */
const LAYOUT: Record<SchemeName, { encoding: Encoding; rawLength?: number }> = {
  ARGON2ID: { encoding: 'none' }, ARGON2I: { encoding: 'none' }, 'BLF-CRYPT': { encoding: 'none' },
  'SHA512-CRYPT': { encoding: 'none' }, 'SHA256-CRYPT': { encoding: 'none' },
  SSHA512: { encoding: 'base64' }, SSHA256: { encoding: 'base64' }, SSHA: { encoding: 'base64' },
  SHA512: { encoding: 'base64', rawLength: 64 }, SHA256: { encoding: 'base64', rawLength: 32 }, SHA1: { encoding: 'base64', rawLength: 20 },
  'CRAM-MD5': { encoding: 'hex', rawLength: CRAM_MD5_CONTEXT_LENGTH }, PLAIN: { encoding: 'none' },
  'SCRAM-SHA-256': { encoding: 'none' }, 'SCRAM-SHA-1': { encoding: 'none' },
};

const DIGEST: Record<'SHA1' | 'SHA256' | 'SHA512', { algorithm: DigestAlgorithm; length: number }> = {
  SHA1: { algorithm: 'sha1', length: 20 }, SHA256: { algorithm: 'sha256', length: 32 }, SHA512: { algorithm: 'sha512', length: 64 },
};
const SALTED: Record<'SSHA' | 'SSHA256' | 'SSHA512', 'SHA1' | 'SHA256' | 'SHA512'> = { SSHA: 'SHA1', SSHA256: 'SHA256', SSHA512: 'SHA512' };

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$(argon2id|argon2i)\$(?:v=(\d+)\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/;

/** Which scheme a bare crypt string belongs to, from its `$id$` prefix; undefined when unknown. */
export function cryptScheme(value: string): SchemeName | undefined {
  if (value.startsWith('$6$')) return 'SHA512-CRYPT';
  if (value.startsWith('$5$')) return 'SHA256-CRYPT';
  if (/^\$2[abxy]\$/.test(value)) return 'BLF-CRYPT';
  if (value.startsWith('$argon2id$')) return 'ARGON2ID';
  if (value.startsWith('$argon2i$')) return 'ARGON2I';
  return undefined;
}

/** Splits `{NAME.ENC}rest`; returns undefined when the value has no scheme prefix. */
function splitPrefix(stored: string): { name: string; suffix?: string; rest: string } | undefined {
  if (!stored.startsWith('{')) return undefined;
  const close = stored.indexOf('}');
  if (close < 0) return undefined;
  const inner = stored.slice(1, close);
  const dot = inner.indexOf('.');
  const rest = stored.slice(close + 1);
  return dot < 0 ? { name: inner.toUpperCase(), rest } : { name: inner.slice(0, dot).toUpperCase(), suffix: inner.slice(dot + 1), rest };
}

function suffixEncoding(suffix: string, scheme: string): Encoding {
  const s = suffix.toLowerCase();
  if (s === 'b64' || s === 'base64') return 'base64';
  if (s === 'hex') return 'hex';
  throw new PasswordSchemeError('unknown-scheme', `unknown password encoding .${suffix}`, scheme);
}

function malformed(scheme: string, what: string): PasswordSchemeError {
  return new PasswordSchemeError('malformed', `${scheme} value ${what}`, scheme);
}

/**
 * Parses a stored password. Throws PasswordSchemeError: 'unknown-scheme' for a prefix (or bare string) this suite does
 * not read, 'malformed' when the value does not have the scheme's shape.
 */
export function parseStored(stored: string): StoredPassword {
  const prefix = splitPrefix(stored);
  if (!prefix) {
    const scheme = cryptScheme(stored);
    if (!scheme) throw new PasswordSchemeError('unknown-scheme', 'stored password has no {SCHEME} prefix and is not a known crypt string');
    return parseValue(scheme, stored, 'none', false);
  }
  const alias = ALIASES[prefix.name];
  if (!alias) throw new PasswordSchemeError('unknown-scheme', `unknown password scheme {${prefix.name}}`, prefix.name);
  let encoding: Encoding;
  let text = prefix.rest;
  const explicit = prefix.suffix !== undefined ? suffixEncoding(prefix.suffix, prefix.name) : undefined;
  if (alias === 'CRYPT') {
    // {CRYPT} is the system crypt(3): the scheme follows from the value's $id$.
    if (explicit === 'hex' || explicit === 'base64') text = decodeText(text, explicit, 'CRYPT');
    const detected = cryptScheme(text);
    if (!detected) throw new PasswordSchemeError('unknown-scheme', '{CRYPT} value is not a $5$, $6$, $2y$ or $argon2 string', 'CRYPT');
    return parseValue(detected, text, explicit ?? 'none', true);
  }
  const scheme: SchemeName = alias;
  const layout = LAYOUT[scheme];
  if (explicit) encoding = explicit;
  else if (layout.rawLength !== undefined) encoding = text.length === layout.rawLength * 2 && /^[0-9a-fA-F]+$/.test(text) ? 'hex' : 'base64';
  else encoding = layout.encoding;
  return parseValue(scheme, text, encoding, true);
}

function decodeText(text: string, encoding: 'hex' | 'base64', scheme: string): string {
  const raw = encoding === 'hex' ? decodeHex(text) : decodeBase64(text);
  if (!raw) throw malformed(scheme, `is not valid ${encoding}`);
  return raw.toString('utf8');
}

function decodeRaw(text: string, encoding: Encoding, scheme: string): Buffer {
  if (encoding === 'none') return Buffer.from(text, 'utf8');
  const raw = encoding === 'hex' ? decodeHex(text) : decodeBase64(text);
  if (!raw) throw malformed(scheme, `is not valid ${encoding}`);
  return raw;
}

function parseValue(scheme: SchemeName, text: string, encoding: Encoding, prefixed: boolean): StoredPassword {
  const common = { prefixed, encoding };
  const raw = decodeRaw(text, encoding, scheme);
  switch (scheme) {
    case 'PLAIN':
      return { ...common, scheme, kind: 'plain', password: raw.toString('utf8') };
    case 'CRAM-MD5':
      if (raw.length !== CRAM_MD5_CONTEXT_LENGTH) throw malformed(scheme, `must be ${CRAM_MD5_CONTEXT_LENGTH} bytes`);
      return { ...common, scheme, kind: 'cram-md5', context: raw };
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
      return { ...common, scheme, kind: 'scram', keys: parseScramKeys(scheme === 'SCRAM-SHA-1' ? 'sha1' : 'sha256', raw.toString('utf8')) };
    case 'SHA1':
    case 'SHA256':
    case 'SHA512': {
      const d = DIGEST[scheme];
      if (raw.length !== d.length) throw malformed(scheme, `must be ${d.length} bytes`);
      return { ...common, scheme, kind: 'digest', algorithm: d.algorithm, digest: raw };
    }
    case 'SSHA':
    case 'SSHA256':
    case 'SSHA512': {
      const d = DIGEST[SALTED[scheme]];
      if (raw.length <= d.length) throw malformed(scheme, `is too short (digest ${d.length} bytes plus a salt)`);
      return { ...common, scheme, kind: 'salted-digest', algorithm: d.algorithm, digest: raw.subarray(0, d.length), salt: raw.subarray(d.length) };
    }
    case 'SHA256-CRYPT':
    case 'SHA512-CRYPT': {
      const hash = raw.toString('utf8');
      if (!isShaCryptHash(hash) || cryptScheme(hash) !== scheme) throw malformed(scheme, `is not a ${scheme === 'SHA256-CRYPT' ? '$5$' : '$6$'} crypt string`);
      return { ...common, scheme, kind: 'sha-crypt', hash };
    }
    case 'BLF-CRYPT': {
      const hash = raw.toString('utf8');
      const m = BCRYPT.exec(hash);
      const cost = Number(m?.[1]);
      if (!m || cost < 4 || cost > 31) throw malformed(scheme, 'is not a $2y$/$2b$/$2a$ bcrypt string');
      return { ...common, scheme, kind: 'bcrypt', hash, cost };
    }
    case 'ARGON2ID':
    case 'ARGON2I': {
      const hash = raw.toString('utf8');
      const m = ARGON2.exec(hash);
      if (!m || m[1]?.toUpperCase() !== scheme) throw malformed(scheme, `is not a $${scheme.toLowerCase()}$ PHC string`);
      return { ...common, scheme, kind: 'argon2', hash, params: { m: Number(m[3]), t: Number(m[4]), p: Number(m[5]) } };
    }
  }
}
