// The `tls` configuration section as this package reads it, and its resolution into the certificates to load.
import { join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { TlsConfigError } from './errors.js';
import type { CertificateFiles } from './load.js';
import { ensureSelfSigned, type SelfSignedOptions } from './selfsigned.js';
import { normalizeSniPattern } from './sni.js';

/** The `tls` section of the configuration (@mail/config `Tls`); optional fields take the same defaults. */
export interface TlsSettings {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
  sni?: Record<string, { cert: string; key: string; ca?: string | undefined }> | undefined;
  selfSigned?: boolean | undefined;
  minVersion?: 'TLSv1.2' | 'TLSv1.3' | undefined;
  ciphers?: string | undefined;
  /** Milliseconds between checks of the certificate files; 0 turns the checks off. */
  reloadInterval?: number | undefined;
}

/** One certificate to load: the default (for the host name and clients without SNI) or an SNI entry. */
export interface CertificateSpec {
  /** The SNI name or pattern, or the host name for the default certificate. */
  name: string;
  isDefault: boolean;
  /** Where it comes from in the configuration, for error messages. */
  setting: string;
  files: CertificateFiles;
  /** Set for the generated development certificate, which is renewed when it nears its end. */
  selfSigned?: { dir: string; hostname: string; options: SelfSignedOptions };
}

const VERSIONS: readonly SecureVersion[] = ['TLSv1.2', 'TLSv1.3'];

export function checkMinVersion(v: string | undefined): SecureVersion | undefined {
  if (v === undefined) return undefined;
  if (!VERSIONS.includes(v as SecureVersion)) throw new TlsConfigError(`must be one of ${VERSIONS.join(', ')} (got ${v})`, 'tls.minVersion');
  return v as SecureVersion;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/** Works out which certificates to load; generates the development certificate when that is what the settings ask. */
export async function resolveCertificates(tls: TlsSettings, hostname: string, dataDir: string, selfSigned: SelfSignedOptions = {}): Promise<CertificateSpec[]> {
  const cert = nonEmpty(tls.cert);
  const key = nonEmpty(tls.key);
  const ca = nonEmpty(tls.ca);
  if (cert && !key) throw new TlsConfigError('tls.cert is set but tls.key is not', 'tls.key');
  if (key && !cert) throw new TlsConfigError('tls.key is set but tls.cert is not', 'tls.cert');
  if (ca && !cert) throw new TlsConfigError('a chain file needs tls.cert and tls.key', 'tls.ca');

  const specs: CertificateSpec[] = [];
  if (cert && key) {
    specs.push({ name: hostname, isDefault: true, setting: 'tls', files: { cert, key, ...(ca ? { ca } : {}) } });
  } else if (tls.selfSigned) {
    const dir = join(dataDir, 'tls');
    const made = await ensureSelfSigned(dir, hostname, selfSigned);
    specs.push({
      name: hostname,
      isDefault: true,
      setting: 'tls.selfSigned',
      files: { cert: made.certFile, key: made.keyFile },
      selfSigned: { dir, hostname, options: selfSigned },
    });
  } else {
    throw new TlsConfigError('no certificate: set tls.cert and tls.key (or tls.selfSigned: true for development)', 'tls.cert');
  }

  const seen = new Map<string, string>();
  for (const [raw, pair] of Object.entries(tls.sni ?? {})) {
    const setting = `tls.sni["${raw}"]`;
    const pattern = normalizeSniPattern(raw);
    if (!pattern) throw new TlsConfigError('not a host name or a one-label wildcard such as *.example.test', setting);
    const earlier = seen.get(pattern);
    if (earlier !== undefined) throw new TlsConfigError(`the same name as tls.sni["${earlier}"]`, setting);
    seen.set(pattern, raw);
    const c = nonEmpty(pair.cert);
    const k = nonEmpty(pair.key);
    if (!c || !k) throw new TlsConfigError('needs both cert and key', setting);
    const chain = nonEmpty(pair.ca);
    specs.push({ name: pattern, isDefault: false, setting, files: { cert: c, key: k, ...(chain ? { ca: chain } : {}) } });
  }
  return specs;
}
