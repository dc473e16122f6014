// Verification of a plaintext password against a stored one, the dummy verification for unknown users, and rehash advice.
import { PasswordSchemeError } from './errors.js';
import { ARGON2ID_DEFAULTS, DEFAULT_SCHEME } from './hash.js';
import { parseStored, type SchemeName, type StoredPassword } from './stored.js';
import { verifyParsed } from './verify-scheme.js';

/** The part of a pino logger the password layer writes to. */
export interface PasswordLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface VerifyOptions {
  /** Receives a warning when a {PLAIN} password is used. Without one, Node's process warning is emitted once. */
  log?: PasswordLogger;
  /** The account, for the warning only. */
  user?: string;
}

export interface VerifyResult {
  match: boolean;
  /** The scheme read from the stored value; undefined when it could not be read. */
  scheme?: SchemeName;
  /** Why the stored value could not be used (the result is then never a match). */
  error?: PasswordSchemeError;
}

let plainWarned = false;

function warnPlain(opts: VerifyOptions): void {
  const message = 'a password is stored in the {PLAIN} scheme; rehash it (mailctl pw)';
  if (opts.log) {
    opts.log.warn({ user: opts.user, scheme: 'PLAIN' }, message);
  } else if (!plainWarned) {
    plainWarned = true;
    process.emitWarning(message, { code: 'MAIL_PLAIN_PASSWORD' });
  }
}

/** Verifies and reports the scheme and, for an unusable stored value, a typed error. Never throws. */
export async function verifyPasswordResult(password: string, stored: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  let parsed: StoredPassword;
  try {
    parsed = parseStored(stored);
  } catch (err) {
    const error = err instanceof PasswordSchemeError ? err : new PasswordSchemeError('malformed', 'stored password could not be read');
    return { match: false, error };
  }
  if (parsed.kind === 'plain') warnPlain(opts);
  try {
    return { match: await verifyParsed(parsed, password), scheme: parsed.scheme };
  } catch {
    return { match: false, scheme: parsed.scheme, error: new PasswordSchemeError('malformed', `${parsed.scheme} value could not be verified`, parsed.scheme) };
  }
}

/**
 * Whether `password` matches `stored` (`{SCHEME}value` or a bare `$6$`, `$5$`, `$2y$`, `$argon2id$` string).
 * Comparisons are constant-time. An unknown scheme or malformed value is a mismatch; use verifyPasswordResult for the reason.
 */
export async function verifyPassword(password: string, stored: string, opts: VerifyOptions = {}): Promise<boolean> {
  return (await verifyPasswordResult(password, stored, opts)).match;
}

/**
 * A fixed ARGON2ID hash with the default costs (of a random password nobody knows), so that dummyVerify
 * costs what verifying a freshly hashed password costs.
 */
export const DUMMY_STORED =
  '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$2wXnqc5xQ4mJ8LJrGz0u5w$R0FqWUoPlV6cXyM8b3hT3Dp0y3TJ3VBtDq2Zy0pC3vA';

/**
 * Spends the time of a real verification and returns false: call it for unknown users so that a login attempt
 * takes as long whether the account exists or not. `like` is a stored value whose scheme and costs to imitate
 * (for a user base whose hashes are not the default); it never matches because its result is discarded.
 */
export async function dummyVerify(password = '', like: string = DUMMY_STORED): Promise<false> {
  await verifyPasswordResult(password, like, { log: { warn: () => undefined } });
  return false;
}

/**
 * Whether a stored value should be replaced at the next successful login: an unreadable value, a scheme other than
 * `scheme`, or ARGON2ID with costs below the defaults.
 */
export function needsRehash(stored: string, scheme: SchemeName = DEFAULT_SCHEME): boolean {
  let parsed: StoredPassword;
  try {
    parsed = parseStored(stored);
  } catch {
    return true;
  }
  if (parsed.scheme !== scheme) return true;
  if (parsed.kind === 'argon2' && parsed.scheme === 'ARGON2ID') {
    return parsed.params.m < ARGON2ID_DEFAULTS.memoryCost || parsed.params.t < ARGON2ID_DEFAULTS.timeCost;
  }
  return false;
}
