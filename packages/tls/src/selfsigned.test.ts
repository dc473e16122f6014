// The development certificate: files and modes, names covered, reuse, renewal and concurrent callers.
import { X509Certificate } from 'node:crypto';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TlsConfigError } from './errors.js';
import { createTlsProvider } from './provider.js';
import { ensureSelfSigned } from './selfsigned.js';
import { captureLog, closeServer, listen, tlsClient } from './test-certs.js';

let tmp: TempDir;
let dir: string;
beforeEach(async () => {
  tmp = await tempDir('mail-tls-self-');
  dir = join(tmp.path, 'data', 'tls');
});
afterEach(() => tmp.cleanup());

const mode = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('ensureSelfSigned', () => {
  it('creates a certificate for the host name, localhost and the loopback addresses, with private modes', async () => {
    const made = await ensureSelfSigned(dir, 'mail.example.test');
    expect(made).toMatchObject({ certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), generated: true });
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(made.keyFile)).toBe(0o600);
    expect(await mode(made.certFile)).toBe(0o644);
    expect(await readdir(dir)).toEqual(['cert.pem', 'key.pem']);

    const cert = new X509Certificate(await readFile(made.certFile));
    expect(cert.subject).toContain('CN=mail.example.test');
    expect(cert.subjectAltName?.split(', ').sort()).toEqual(['DNS:localhost', 'DNS:mail.example.test', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:127.0.0.1'].sort());
    expect(cert.checkHost('mail.example.test')).toBe('mail.example.test');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect(made.fingerprint256).toBe(cert.fingerprint256);
    expect(await readFile(made.keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('reuses the pair on the next call', async () => {
    const first = await ensureSelfSigned(dir, 'mail.example.test');
    const second = await ensureSelfSigned(dir, 'MAIL.example.test');
    expect(second.generated).toBe(false);
    expect(second.fingerprint256).toBe(first.fingerprint256);
  });

  it('tightens a directory and key that were made readable by others', async () => {
    await ensureSelfSigned(dir, 'mail.example.test');
    await chmod(dir, 0o755);
    await chmod(join(dir, 'key.pem'), 0o644);
    expect((await ensureSelfSigned(dir, 'mail.example.test')).generated).toBe(false);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'key.pem'))).toBe(0o600);
  });

  it('makes a new one when the host name changes', async () => {
    const first = await ensureSelfSigned(dir, 'mail.example.test');
    const second = await ensureSelfSigned(dir, 'mx.example.test');
    expect(second.generated).toBe(true);
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(await readFile(second.certFile)).checkHost('mx.example.test')).toBe('mx.example.test');
  });

  it('makes a new one when the old one has expired or is about to', async () => {
    const first = await ensureSelfSigned(dir, 'mail.example.test', { validityDays: 40 });
    const later = new Date(Date.now() + 20 * 86_400_000);
    const second = await ensureSelfSigned(dir, 'mail.example.test', { now: later });
    expect(second.generated).toBe(true);
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
    expect(second.notAfter.getTime()).toBeGreaterThan(later.getTime() + 300 * 86_400_000);
  });

  it('replaces damaged or mismatched files', async () => {
    const first = await ensureSelfSigned(dir, 'mail.example.test');
    await writeFile(join(dir, 'cert.pem'), 'garbage');
    const second = await ensureSelfSigned(dir, 'mail.example.test');
    expect(second.generated).toBe(true);
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
  });

  it('accepts an IP address as host name', async () => {
    const made = await ensureSelfSigned(dir, '192.0.2.10');
    const cert = new X509Certificate(await readFile(made.certFile));
    expect(cert.checkIP('192.0.2.10')).toBe('192.0.2.10');
    expect((await ensureSelfSigned(dir, '192.0.2.10')).generated).toBe(false);
  });

  it('refuses a host name that is not one', async () => {
    await expect(ensureSelfSigned(dir, 'bad name!')).rejects.toBeInstanceOf(TlsConfigError);
  });

  it('generates one certificate when several processes ask at once', async () => {
    const all = await Promise.all([1, 2, 3, 4].map(() => ensureSelfSigned(dir, 'mail.example.test')));
    expect(new Set(all.map((r) => r.fingerprint256)).size).toBe(1);
    expect(all.filter((r) => r.generated)).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['cert.pem', 'key.pem']);
  });
});

describe('provider with selfSigned', () => {
  it('generates the certificate under <data>/tls and serves it', async () => {
    const dataDir = join(tmp.path, 'data');
    const p = await createTlsProvider({ tls: { selfSigned: true, reloadInterval: 0 }, hostname: 'mail.example.test', dataDir, log: captureLog().log });
    try {
      const server = p.createServer((s) => s.end());
      const port = await listen(server);
      const seen = await tlsClient(port, { servername: 'mail.example.test' });
      seen.socket.destroy();
      await closeServer(server);
      const onDisk = new X509Certificate(await readFile(join(dataDir, 'tls', 'cert.pem')));
      expect(seen.peer.fingerprint256).toBe(onDisk.fingerprint256);
      expect(p.certificates()[0]?.files).toEqual({ cert: join(dataDir, 'tls', 'cert.pem'), key: join(dataDir, 'tls', 'key.pem') });
    } finally {
      p.close();
    }
  });

  it('prefers configured files over selfSigned', async () => {
    const made = await ensureSelfSigned(join(tmp.path, 'elsewhere'), 'mail.example.test');
    const dataDir = join(tmp.path, 'data');
    const p = await createTlsProvider({
      tls: { selfSigned: true, cert: made.certFile, key: made.keyFile, reloadInterval: 0 },
      hostname: 'mail.example.test',
      dataDir,
      log: captureLog().log,
    });
    p.close();
    expect(p.certificateFor().fingerprint256).toBe(made.fingerprint256);
    await expect(stat(join(dataDir, 'tls'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
