// Typed errors of the password-scheme layer: what went wrong with a stored hash or a requested scheme.

/** Why a stored password could not be used. */
export type PasswordErrorCode =
  /** The `{SCHEME}` prefix names a scheme this suite does not implement. */
  | 'unknown-scheme'
  /** The scheme is known but the stored value does not have its shape (bad base64, wrong length, bad crypt string). */
  | 'malformed'
  /** The scheme can be verified but not generated (or the generation options are out of range). */
  | 'unsupported'
  /** The password itself cannot be hashed (for example a NUL byte, or too long for bcrypt). */
  | 'bad-password';

export class PasswordSchemeError extends Error {
  override readonly name = 'PasswordSchemeError';
  constructor(
    readonly code: PasswordErrorCode,
    message: string,
    /** The scheme concerned, upper-case, without the encoding suffix; undefined when none could be read. */
    readonly scheme?: string,
  ) {
    super(message);
  }
}
