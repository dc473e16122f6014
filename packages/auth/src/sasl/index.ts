// SASL server mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256) as protocol-neutral step objects.
export type { SaslBackend, SaslFailureReason, SaslMechanism, SaslMechanismName, SaslOptions, SaslStep } from './types.js';
export { decodeClientResponse, encodeChallenge, type ClientResponse } from './framing.js';
export {
  ALL_MECHANISMS,
  DEFAULT_MECHANISMS,
  PLAINTEXT_MECHANISMS,
  createMechanism,
  mechanismName,
  mechanismNames,
  type MechanismPolicy,
} from './registry.js';
export { PlainMechanism, parsePlainMessage, type PlainMessage } from './plain.js';
export { LoginMechanism } from './login.js';
export { CramMd5Mechanism, parseCramResponse } from './cram-md5.js';
export { ScramMechanism } from './scram.js';
export { parseClientFirst, parseClientFinal, decodeSaslname, encodeSaslname, type ClientFirst, type ClientFinal } from './scram-messages.js';
