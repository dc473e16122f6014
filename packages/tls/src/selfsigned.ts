// A self-signed development certificate for the server's host name (plus localhost and the loopback addresses),
// kept under <data>/tls and reused until it expires or the host name changes. Never for production.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { TlsConfigError } from './errors.js';
import { withDirLock } from './lock.js';
import { normalizeServerName } from './sni.js';

export interface SelfSignedOptions {
  /** Validity of a new certificate in days (default 365). */
  validityDays?: number;
  /** A certificate expiring within this many days is replaced (default 30). */
  renewBeforeDays?: number;
  /** The current time, for tests. */
  now?: Date;
}

export interface SelfSignedCertificate {
  certFile: string;
  keyFile: string;
  /** True when this call wrote a new certificate, false when the existing one was reused. */
  generated: boolean;
  notAfter: Date;
  fingerprint256: string;
}

const DAY = 86_400_000;

/** Checks the host name (a DNS name or an IP literal) and returns the names the certificate must cover. */
function subjectNames(hostname: string): { cn: string; dns: string[]; ips: string[] } {
  const host = hostname.trim().replace(/^\[|\]$/g, '');
  const ips = ['127.0.0.1', '::1'];
  if (isIP(host)) return { cn: host, dns: ['localhost'], ips: ips.includes(host) ? ips : [host, ...ips] };
  const name = normalizeServerName(host);
  if (!name) throw new TlsConfigError(`"${hostname}" is not a valid host name`, 'hostname');
  return { cn: name, dns: name === 'localhost' ? [name] : [name, 'localhost'], ips };
}

function covers(cert: X509Certificate, hostname: string): boolean {
  const host = hostname.trim().replace(/^\[|\]$/g, '');
  if (isIP(host)) return cert.checkIP(host) !== undefined;
  return cert.checkHost(host.toLowerCase().replace(/\.$/, ''), { wildcards: false }) !== undefined;
}

/** The existing pair, when it parses, matches, covers the host name and is not about to expire. */
async function reusable(certFile: string, keyFile: string, hostname: string, now: Date, renewBefore: number): Promise<X509Certificate | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (!covers(cert, hostname)) return undefined;
    if (new Date(cert.validTo).getTime() - renewBefore <= now.getTime()) return undefined;
    if (new Date(cert.validFrom).getTime() > now.getTime() + DAY) return undefined;
    return cert;
  } catch {
    return undefined;
  }
}

/** Writes `data` to `file` through a temporary file, fsync and rename, so no reader sees half a file. */
async function writeAtomic(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, file);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` with mode 0700, tightening it when it exists with looser bits and belongs to this user. */
async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await stat(dir);
  const mine = typeof process.getuid !== 'function' || s.uid === process.getuid();
  if (mine && (s.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

async function tightenKey(keyFile: string): Promise<void> {
  const s = await stat(keyFile);
  if ((s.mode & 0o077) !== 0) await chmod(keyFile, 0o600);
}

/**
 * Makes sure `dir` holds `cert.pem` and `key.pem` for `hostname`: reuses them when valid, otherwise generates an
 * RSA-2048/SHA-256 certificate covering the host name, localhost, 127.0.0.1 and ::1. The key is written with mode
 * 0600 and the directory is 0700. Safe to call from several processes at once.
 */
export async function ensureSelfSigned(dir: string, hostname: string, options: SelfSignedOptions = {}): Promise<SelfSignedCertificate> {
  const names = subjectNames(hostname);
  const now = options.now ?? new Date();
  const renewBefore = (options.renewBeforeDays ?? 30) * DAY;
  const validity = (options.validityDays ?? 365) * DAY;
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await privateDir(dir);

  const result = (cert: X509Certificate, generated: boolean): SelfSignedCertificate => ({
    certFile,
    keyFile,
    generated,
    notAfter: new Date(cert.validTo),
    fingerprint256: cert.fingerprint256,
  });

  const existing = await reusable(certFile, keyFile, hostname, now, renewBefore);
  if (existing) {
    await tightenKey(keyFile);
    return result(existing, false);
  }
  return withDirLock(join(dir, '.generate.lock'), async () => {
    // Another process may have generated the pair while this one waited for the lock.
    const fresh = await reusable(certFile, keyFile, hostname, now, renewBefore);
    if (fresh) return result(fresh, false);
    const notBefore = new Date(now.getTime() - 5 * 60_000);
    const pems = await generate(
      [
        ...(names.cn.length <= 64 ? [{ name: 'commonName', value: names.cn }] : []),
        { name: 'organizationName', value: 'Self-signed development certificate' },
      ],
      {
        keyType: 'rsa',
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate: notBefore,
        notAfterDate: new Date(now.getTime() + validity),
        extensions: [
          { name: 'basicConstraints', cA: false, critical: true },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))],
          },
        ],
      },
    );
    await writeAtomic(keyFile, pems.private, 0o600);
    await writeAtomic(certFile, pems.cert, 0o644);
    await syncDir(dir);
    return result(new X509Certificate(pems.cert), true);
  });
}
