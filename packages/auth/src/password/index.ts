// Password schemes: Dovecot-compatible `{SCHEME}` stored passwords — parse, verify, generate — and what each allows for SASL.
export { PasswordSchemeError, type PasswordErrorCode } from './errors.js';
export {
  parseStored,
  cryptScheme,
  SCHEMES,
  type SchemeName,
  type StoredPassword,
  type Encoding,
  type DigestAlgorithm,
  type Argon2Params,
} from './stored.js';
export {
  hashPassword,
  normalizeScheme,
  DEFAULT_SCHEME,
  ARGON2ID_DEFAULTS,
  ARGON2I_DEFAULTS,
  BCRYPT_DEFAULT_COST,
  type HashOptions,
} from './hash.js';
export {
  verifyPassword,
  verifyPasswordResult,
  dummyVerify,
  needsRehash,
  DUMMY_STORED,
  type VerifyOptions,
  type VerifyResult,
  type PasswordLogger,
} from './verify.js';
export { saslCapabilities, verifyApop, type CredentialMechanism } from './capabilities.js';
export { shaCrypt, shaCryptHash, SHA_CRYPT_DEFAULT_ROUNDS, SHA_CRYPT_MIN_ROUNDS, SHA_CRYPT_MAX_ROUNDS } from './sha-crypt.js';
export { cramMd5Context, cramMd5FromContext, cramMd5FromPassword, CRAM_MD5_CONTEXT_LENGTH } from './cram-md5.js';
export {
  scramKeysFromPassword,
  keysFromSalted,
  saltedPassword,
  formatScramKeys,
  parseScramKeys,
  SCRAM_DEFAULT_ITERATIONS,
  type ScramHash,
  type ScramKeys,
} from './scram-secret.js';
export { saslprep } from './saslprep.js';
export { equalBytes, equalSecret } from './compare.js';
