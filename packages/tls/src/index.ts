// @mail/tls: certificates with SNI and hot reload, secure defaults, a self-signed development certificate.
export { createTlsProvider, TlsProvider } from './provider.js';
export type { ReloadErrorEvent, ReloadEvent, ServedCertificate, TlsProviderEvents, TlsProviderOptions } from './provider.js';
export type { TlsSettings } from './settings.js';
export { ensureSelfSigned } from './selfsigned.js';
export type { SelfSignedCertificate, SelfSignedOptions } from './selfsigned.js';
export { upgradeSocket } from './upgrade.js';
export type { UpgradeOptions } from './upgrade.js';
export { loadCertificate } from './load.js';
export type { CertificateFiles, CertificateInfo, LoadedCertificate } from './load.js';
export { normalizeServerName, normalizeSniPattern } from './sni.js';
export { DEFAULT_CIPHERS, DEFAULT_MIN_VERSION } from './defaults.js';
export {
  CertificateFileError,
  KeyMismatchError,
  TlsConfigError,
  TlsError,
  TlsHandshakeError,
  type CertificateFileKind,
  type CertificateFileProblem,
  type HandshakeFailure,
} from './errors.js';
