// Typed errors of @mail/tls: each names the file or setting at fault so an operator can fix it from the log line alone.

/** Base class of every error this package throws. */
export class TlsError extends Error {
  override readonly name: string = 'TlsError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The `tls` settings are inconsistent: a cert without its key, no certificate at all, a bad SNI name or cipher list. */
export class TlsConfigError extends TlsError {
  override readonly name = 'TlsConfigError';
  constructor(
    message: string,
    /** The setting at fault, e.g. `tls.key` or `tls.sni["*.example.test"]`. */
    readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, 'ERR_TLS_CONFIG', options);
  }
}

export type CertificateFileKind = 'certificate' | 'private key' | 'CA chain';
export type CertificateFileProblem = 'missing' | 'unreadable' | 'invalid';

/** A certificate, key or chain file that cannot be used: missing, unreadable or not valid PEM of the right kind. */
export class CertificateFileError extends TlsError {
  override readonly name = 'CertificateFileError';
  constructor(
    readonly file: string,
    readonly kind: CertificateFileKind,
    readonly problem: CertificateFileProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${kind} file ${file}: ${detail}`, codeFor(problem), options);
  }
}

function codeFor(problem: CertificateFileProblem): string {
  if (problem === 'missing') return 'ERR_TLS_FILE_MISSING';
  if (problem === 'unreadable') return 'ERR_TLS_FILE_UNREADABLE';
  return 'ERR_TLS_FILE_INVALID';
}

/** The private key does not belong to the certificate (or the chain file puts another certificate first). */
export class KeyMismatchError extends TlsError {
  override readonly name = 'KeyMismatchError';
  constructor(
    readonly certFile: string,
    readonly keyFile: string,
    hint = '',
  ) {
    super(`private key ${keyFile} does not match certificate ${certFile}${hint ? `: ${hint}` : ''}`, 'ERR_TLS_KEY_MISMATCH');
  }
}

export type HandshakeFailure = 'timeout' | 'failed' | 'closed';

/** A server-side TLS handshake (STARTTLS, STLS) did not complete. */
export class TlsHandshakeError extends TlsError {
  override readonly name = 'TlsHandshakeError';
  constructor(
    readonly reason: HandshakeFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, reason === 'timeout' ? 'ERR_TLS_HANDSHAKE_TIMEOUT' : 'ERR_TLS_HANDSHAKE', options);
  }
}
