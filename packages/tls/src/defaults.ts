// Secure protocol defaults shared by every listener: versions, the TLS 1.2 cipher list and OpenSSL options.
import { constants } from 'node:crypto';
import type { SecureVersion } from 'node:tls';

/** The oldest protocol version offered when the configuration does not say (RFC 8996 deprecates TLS 1.0 and 1.1). */
export const DEFAULT_MIN_VERSION: SecureVersion = 'TLSv1.2';

/**
 * TLS 1.2 suites: ephemeral ECDH key exchange (forward secrecy) with an AEAD cipher only, ECDSA before RSA,
 * AES-GCM before ChaCha20-Poly1305 (RFC 9325 §4.2). TLS 1.3 keeps OpenSSL's default suites, all of which are AEAD.
 */
export const DEFAULT_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * OpenSSL options set on every server context: no renegotiation (a TLS 1.2 denial-of-service vector; TLS 1.3 has
 * none) and no TLS compression (CRIME).
 */
export const SECURE_OPTIONS = constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_NO_COMPRESSION;

/** How long a server-side handshake may take before the connection is dropped. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;

/** How often certificate files are checked when the configuration does not say. */
export const DEFAULT_RELOAD_INTERVAL = 10_000;

/** A certificate that expires within this many milliseconds is reported at every load. */
export const EXPIRY_WARNING = 14 * 86_400_000;
