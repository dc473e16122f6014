// The provider over real TLS on loopback: certificate choice by SNI, protocol versions, cipher suites, configuration errors.
import { tempDir, type TempDir } from '@mail/testing';
import type { Server } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CIPHERS } from './defaults.js';
import { CertificateFileError, KeyMismatchError, TlsConfigError } from './errors.js';
import { createTlsProvider, type TlsProvider } from './provider.js';
import type { TlsSettings } from './settings.js';
import { captureLog, closeServer, fingerprint, listen, makeCert, tlsClient, writePair, type TestPair } from './test-certs.js';

let tmp: TempDir;
let certs: Record<'main' | 'other' | 'wild', TestPair>;
let prints: Record<'main' | 'other' | 'wild', string>;
let files: Record<'main' | 'other' | 'wild', { cert: string; key: string }>;
const open: Array<{ close(): void }> = [];

beforeAll(async () => {
  tmp = await tempDir('mail-tls-provider-');
  const [main, other, wild] = await Promise.all([
    makeCert(['mail.example.test']),
    makeCert(['mail.other.test']),
    makeCert(['*.wild.test']),
  ]);
  certs = { main, other, wild };
  prints = { main: await fingerprint(main.cert), other: await fingerprint(other.cert), wild: await fingerprint(wild.cert) };
  files = {
    main: await writePair(tmp.path, 'main', main),
    other: await writePair(tmp.path, 'other', other),
    wild: await writePair(tmp.path, 'wild', wild),
  };
});
afterAll(() => tmp.cleanup());
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function provider(tls: Partial<TlsSettings> = {}): Promise<TlsProvider> {
  const p = await createTlsProvider({
    tls: { ...files.main, sni: { 'mail.other.test': files.other, '*.wild.test': files.wild }, reloadInterval: 0, ...tls },
    hostname: 'mail.example.test',
    dataDir: tmp.path,
    log: captureLog().log,
  });
  open.push(p);
  return p;
}

async function serve(p: TlsProvider): Promise<{ server: Server; port: number }> {
  const server = p.createServer((s) => s.end());
  server.on('tlsClientError', () => undefined);
  const port = await listen(server);
  open.push({ close: () => void closeServer(server) });
  return { server, port };
}

describe('certificate selection by SNI', () => {
  it('serves the certificate of each configured name and the default otherwise', async () => {
    const { port } = await serve(await provider());
    const cases: Array<[string | undefined, keyof typeof prints, string]> = [
      ['mail.example.test', 'main', 'mail.example.test'],
      ['mail.other.test', 'other', 'mail.other.test'],
      ['MAIL.OTHER.TEST', 'other', 'mail.other.test'],
      ['imap.wild.test', 'wild', '*.wild.test'],
      ['a.b.wild.test', 'main', 'mail.example.test'],
      ['wild.test', 'main', 'mail.example.test'],
      ['unknown.test', 'main', 'mail.example.test'],
      [undefined, 'main', 'mail.example.test'],
    ];
    for (const [servername, which, cn] of cases) {
      const seen = await tlsClient(port, servername ? { servername } : {});
      seen.socket.destroy();
      expect({ servername, fp: seen.peer.fingerprint256, cn: seen.peer.subject.CN, san: seen.peer.subjectaltname }).toEqual({
        servername,
        fp: prints[which],
        cn,
        san: `DNS:${cn}`,
      });
    }
  });

  it('answers contextFor and certificateFor with the same choice', async () => {
    const p = await provider();
    expect(p.certificateFor('mail.other.test').fingerprint256).toBe(prints.other);
    expect(p.certificateFor('x.wild.test').fingerprint256).toBe(prints.wild);
    expect(p.certificateFor('nobody.test').fingerprint256).toBe(prints.main);
    expect(p.certificateFor().fingerprint256).toBe(prints.main);
    expect(p.contextFor('mail.other.test')).not.toBe(p.contextFor());
    expect(p.certificates().map((c) => [c.name, c.isDefault])).toEqual([
      ['mail.example.test', true],
      ['mail.other.test', false],
      ['*.wild.test', false],
    ]);
  });

  it('offers the same certificates through serverOptions on a hand-made TLSSocket server', async () => {
    const p = await provider();
    const { createServer } = await import('node:net');
    const { TLSSocket } = await import('node:tls');
    const server = createServer((raw) => {
      const s = new TLSSocket(raw, { ...p.serverOptions(), isServer: true });
      s.on('error', () => undefined);
      s.on('secure', () => s.end());
    });
    const port = await listen(server);
    open.push({ close: () => void closeServer(server) });
    for (const [servername, which] of [['mail.other.test', 'other'], [undefined, 'main']] as const) {
      const seen = await tlsClient(port, servername ? { servername } : {});
      seen.socket.destroy();
      expect(seen.peer.fingerprint256).toBe(prints[which]);
    }
  });
});

describe('protocol versions and ciphers', () => {
  it('negotiates TLS 1.3 by default and a forward-secret AEAD suite on TLS 1.2', async () => {
    const { port } = await serve(await provider());
    const v13 = await tlsClient(port);
    v13.socket.destroy();
    expect(v13.protocol).toBe('TLSv1.3');
    const v12 = await tlsClient(port, { maxVersion: 'TLSv1.2' });
    v12.socket.destroy();
    expect(v12.protocol).toBe('TLSv1.2');
    expect(DEFAULT_CIPHERS.split(':')).toContain(v12.cipher);
    expect(v12.cipher).toMatch(/^ECDHE-.*(GCM|CHACHA20)/);
  });

  it.each([['TLSv1'], ['TLSv1.1']] as const)('refuses %s', async (version) => {
    const { port } = await serve(await provider());
    // The client lowers its own security level so that only the server can be the one refusing.
    const attempt = tlsClient(port, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it('refuses TLS 1.2 when minVersion is TLSv1.3', async () => {
    const { port } = await serve(await provider({ minVersion: 'TLSv1.3' }));
    await expect(tlsClient(port, { maxVersion: 'TLSv1.2' })).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    const ok = await tlsClient(port, { servername: 'mail.other.test' });
    ok.socket.destroy();
    expect(ok.protocol).toBe('TLSv1.3');
  });

  it('refuses TLS 1.2 clients offering only CBC or non-forward-secret suites', async () => {
    const { port } = await serve(await provider());
    for (const ciphers of ['ECDHE-ECDSA-AES128-SHA', 'AES128-GCM-SHA256']) {
      await expect(tlsClient(port, { maxVersion: 'TLSv1.2', ciphers })).rejects.toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
    }
  });

  it('applies a configured cipher list to SNI contexts too', async () => {
    const { port } = await serve(await provider({ ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' }));
    for (const servername of ['mail.other.test', 'mail.example.test']) {
      const seen = await tlsClient(port, { maxVersion: 'TLSv1.2', servername });
      seen.socket.destroy();
      expect(seen.cipher).toBe('ECDHE-ECDSA-CHACHA20-POLY1305');
    }
  });
});

describe('configuration errors', () => {
  const base = (): TlsSettings => ({ ...files.main, reloadInterval: 0 });
  const make = (tls: TlsSettings) => createTlsProvider({ tls, hostname: 'mail.example.test', dataDir: tmp.path, log: captureLog().log });

  it.each<[string, () => TlsSettings, string]>([
    ['a cert without key', () => ({ cert: files.main.cert }), 'tls.key'],
    ['a key without cert', () => ({ key: files.main.key }), 'tls.cert'],
    ['no certificate at all', () => ({}), 'tls.cert'],
    ['a bad SNI name', () => ({ ...base(), sni: { 'a.*.test': files.other } }), 'tls.sni["a.*.test"]'],
    ['a duplicate SNI name', () => ({ ...base(), sni: { 'x.test': files.other, 'X.test.': files.other } }), 'tls.sni["X.test."]'],
    ['an SNI entry without key', () => ({ ...base(), sni: { 'x.test': { cert: files.other.cert, key: '' } } }), 'tls.sni["x.test"]'],
    ['a cipher list that selects nothing', () => ({ ...base(), ciphers: 'NO-SUCH-CIPHER' }), 'tls.ciphers'],
    ['an old minimum version', () => ({ ...base(), minVersion: 'TLSv1' as 'TLSv1.2' }), 'tls.minVersion'],
  ])('reports %s', async (_label, tls, setting) => {
    const err = await make(tls()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsConfigError);
    expect(err).toMatchObject({ setting });
    expect((err as Error).message.startsWith(`${setting}: `)).toBe(true);
  });

  it('reports a broken SNI certificate by its file', async () => {
    const mismatched = await writePair(tmp.path, 'sni-mismatch', { cert: certs.other.cert, key: certs.main.key });
    await expect(make({ ...base(), sni: { 'mail.other.test': mismatched } })).rejects.toBeInstanceOf(KeyMismatchError);
    await expect(make({ ...base(), sni: { 'mail.other.test': { cert: `${tmp.path}/none.crt`, key: files.other.key } } })).rejects.toBeInstanceOf(
      CertificateFileError,
    );
  });
});

describe('logging at load', () => {
  it('logs each certificate and warns about a key readable by others or a name it does not cover', async () => {
    const loose = await writePair(tmp.path, 'loose', certs.other);
    const { chmod } = await import('node:fs/promises');
    await chmod(loose.key, 0o644);
    const captured = captureLog();
    const p = await createTlsProvider({ tls: { ...loose, reloadInterval: 0 }, hostname: 'mail.example.test', dataDir: tmp.path, log: captured.log });
    p.close();
    const lines = captured.lines();
    expect(lines.find((l) => l.msg === 'certificate loaded')).toMatchObject({ certName: 'mail.example.test', subject: 'CN=mail.other.test' });
    expect(lines.find((l) => l.msg?.toString().includes('readable by group or others'))).toMatchObject({ key: loose.key, mode: '644' });
    expect(lines.some((l) => l.msg === 'certificate does not cover this name')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');
  });
});
