// The protocol-neutral shape of a SASL server exchange: mechanisms as step objects, their results, and the account backend they consult.

/** Mechanism names this package implements. */
export type SaslMechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

/**
 * Why an exchange failed. Suggested replies: malformed → SMTP 501 5.5.2, IMAP BAD, POP3 -ERR;
 * credentials → 535 5.7.8, NO [AUTHENTICATIONFAILED]; authzid → 535 5.7.8, NO [AUTHORIZATIONFAILED];
 * unavailable (temporary) → 454 4.7.0, NO [UNAVAILABLE]; sequence → a bug in the caller.
 */
export type SaslFailureReason = 'malformed' | 'credentials' | 'authzid' | 'unavailable' | 'sequence';

export type SaslStep =
  /** Send `data` to the client (SMTP `334 base64`, IMAP/POP3 `+ base64`) and pass its answer to step(). */
  | { kind: 'challenge'; data: Buffer }
  /**
   * Authenticated. `authcid` is the canonical account that proved its credentials; `authzid` is the identity the
   * session acts as (the account itself unless proxy authorization was granted). `data` is the mechanism's
   * additional data with success (the SCRAM server-final message): a protocol that cannot carry it with its success
   * reply (SMTP, POP3) sends it as one more challenge, expects an empty response, then reports success.
   */
  | { kind: 'success'; authcid: string; authzid: string; data?: Buffer }
  /** Not authenticated. `detail` is for the log only, never for the client. */
  | { kind: 'failure'; reason: SaslFailureReason; temporary?: boolean; detail?: string };

/**
 * One authentication exchange, server side. The daemon decodes the client's base64 (see framing.ts), handles the
 * `*` cancel itself (the exchange is then over: do not call step again), and maps the results to its protocol.
 * Results are values: a mechanism never throws, whatever the client sends or the backend does.
 */
export interface SaslMechanism {
  readonly name: SaslMechanismName;
  /**
   * Whether the client may send an initial response (SMTP `AUTH mech ir`, IMAP SASL-IR, POP3 `AUTH mech ir`).
   * When false, a non-empty initial response makes start() fail with 'malformed'.
   */
  readonly initialResponse: boolean;
  /**
   * Begins the exchange. `initialResponse` undefined: the client sent none. An empty buffer: the client sent the
   * empty initial response (`=`), which each mechanism documents.
   */
  start(initialResponse?: Buffer): Promise<SaslStep>;
  /** Continues with the client's decoded response to the last challenge. */
  step(response: Buffer): Promise<SaslStep>;
}

/** The account store as the SASL mechanisms see it. */
export interface SaslBackend {
  /** Verifies a plaintext password; returns the canonical account name or null. Must take the same time for unknown users. */
  verifyPlain(authcid: string, password: string): Promise<string | null>;
  /** The stored secret for challenge-response mechanisms, or null if the user is unknown or the scheme does not allow it. */
  storedSecret(authcid: string): Promise<{ account: string; stored: string } | null>;
  /** Whether authcid may act as authzid (proxy authorization). Absent: never. */
  mayActAs?(account: string, authzid: string): Promise<boolean>;
}

export interface SaslOptions {
  /** Host name in CRAM-MD5 challenges. */
  hostname: string;
  /**
   * Secret from which SCRAM salts are derived where no stored salt exists (unknown users, {PLAIN} passwords), so
   * that the same user always gets the same salt. Give every instance of a daemon the same value; default: random
   * per process.
   */
  secret?: Buffer;
  /** PBKDF2 iterations for SCRAM keys derived from {PLAIN} passwords (default 4096). */
  scramIterations?: number;
  /** Source of the SCRAM server nonce; default 18 random bytes in base64. For reproducible tests. */
  serverNonce?: () => string;
  /** Source of the CRAM-MD5 challenge; default `<random.time@hostname>`. For reproducible tests. */
  cramChallenge?: () => string;
}
