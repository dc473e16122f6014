// The mechanism table: creating a mechanism by name and choosing which to advertise on a connection.
import { CramMd5Mechanism } from './cram-md5.js';
import { LoginMechanism } from './login.js';
import { PlainMechanism } from './plain.js';
import { ScramMechanism } from './scram.js';
import type { SaslBackend, SaslMechanism, SaslMechanismName, SaslOptions } from './types.js';

/** Every mechanism implemented, strongest first (the order to advertise them in). */
export const ALL_MECHANISMS: readonly SaslMechanismName[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5', 'PLAIN', 'LOGIN'];

/**
 * Enabled when nothing else is configured: the plaintext mechanisms, which every stored scheme serves (as Dovecot's
 * `auth_mechanisms = plain login`). Enable challenge-response mechanisms only when the users' stored schemes allow
 * them (saslCapabilities): a client that picks SCRAM or CRAM-MD5 for an ARGON2ID user cannot log in.
 */
export const DEFAULT_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'LOGIN'];

/** Mechanisms that send the password itself: only under TLS or on loopback unless explicitly allowed. */
export const PLAINTEXT_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'LOGIN'];

const FACTORIES: ReadonlyMap<SaslMechanismName, (backend: SaslBackend, options: SaslOptions) => SaslMechanism> = new Map<
  SaslMechanismName,
  (backend: SaslBackend, options: SaslOptions) => SaslMechanism
>([
  ['PLAIN', (b) => new PlainMechanism(b)],
  ['LOGIN', (b) => new LoginMechanism(b)],
  ['CRAM-MD5', (b, o) => new CramMd5Mechanism(b, o)],
  ['SCRAM-SHA-1', (b, o) => new ScramMechanism('sha1', b, o)],
  ['SCRAM-SHA-256', (b, o) => new ScramMechanism('sha256', b, o)],
]);

/** Whether `name` (any case) is a mechanism this package implements; returns its canonical name. */
export function mechanismName(name: string): SaslMechanismName | undefined {
  const upper = name.toUpperCase();
  return ALL_MECHANISMS.find((m) => m === upper);
}

/**
 * A new exchange of mechanism `name` (case-insensitive), or undefined when it is not implemented. Check the name
 * against mechanismNames() for the connection first: this function does not apply the TLS rule.
 */
export function createMechanism(name: string, backend: SaslBackend, options: SaslOptions): SaslMechanism | undefined {
  const canonical = mechanismName(name);
  return canonical ? FACTORIES.get(canonical)?.(backend, options) : undefined;
}

export interface MechanismPolicy {
  /** The connection is under TLS (implicit or after STARTTLS/STLS). */
  tls: boolean;
  /** The client connects from a loopback address. */
  loopback: boolean;
  /** Allow plaintext mechanisms without TLS (Dovecot's disable_plaintext_auth = no). */
  allowInsecure?: boolean;
  /** Mechanisms the configuration enables; default DEFAULT_MECHANISMS. Unknown names are ignored. */
  enabled?: readonly string[];
}

/** The mechanisms to advertise on a connection, strongest first; PLAIN and LOGIN only over TLS, on loopback, or if allowed. */
export function mechanismNames(policy: MechanismPolicy): SaslMechanismName[] {
  const enabled = new Set((policy.enabled ?? DEFAULT_MECHANISMS).map((n) => n.toUpperCase()));
  const plaintextOk = policy.tls || policy.loopback || policy.allowInsecure === true;
  return ALL_MECHANISMS.filter((m) => enabled.has(m) && (plaintextOk || !PLAINTEXT_MECHANISMS.includes(m)));
}
