// Building OpenSSL server contexts from loaded certificates with the suite's protocol settings.
import { createSecureContext, type SecureContext, type SecureContextOptions, type SecureVersion } from 'node:tls';
import { DEFAULT_CIPHERS, DEFAULT_MIN_VERSION, SECURE_OPTIONS } from './defaults.js';
import { CertificateFileError, TlsConfigError } from './errors.js';
import type { LoadedCertificate } from './load.js';

/** Protocol settings common to every context of a provider. */
export interface ProtocolSettings {
  minVersion: SecureVersion;
  ciphers: string;
}

export function protocolSettings(minVersion: SecureVersion | undefined, ciphers: string | undefined): ProtocolSettings {
  const settings = { minVersion: minVersion ?? DEFAULT_MIN_VERSION, ciphers: ciphers?.trim() || DEFAULT_CIPHERS };
  try {
    // OpenSSL rejects a list that selects nothing ("no cipher match"); find out now, not at the first connection.
    createSecureContext({ ciphers: settings.ciphers, minVersion: settings.minVersion });
  } catch (err) {
    throw new TlsConfigError(`not a usable OpenSSL cipher list (${(err as Error).message})`, 'tls.ciphers', { cause: err });
  }
  return settings;
}

/** Options for `tls.createSecureContext` and `tls.Server#setSecureContext`: this certificate plus the protocol settings. */
export function contextOptions(cert: LoadedCertificate, protocol: ProtocolSettings): SecureContextOptions {
  return {
    key: cert.pem.key,
    cert: cert.pem.cert,
    ...(cert.pem.ca !== undefined ? { ca: cert.pem.ca } : {}),
    minVersion: protocol.minVersion,
    ciphers: protocol.ciphers,
    honorCipherOrder: true,
    secureOptions: SECURE_OPTIONS,
  };
}

/** Creates the context; OpenSSL's objections (a key too weak for the security level, say) name the certificate file. */
export function buildContext(cert: LoadedCertificate, protocol: ProtocolSettings): SecureContext {
  try {
    return createSecureContext(contextOptions(cert, protocol));
  } catch (err) {
    throw new CertificateFileError(cert.files.cert, 'certificate', 'invalid', `OpenSSL refused it (${(err as Error).message})`, { cause: err });
  }
}
