// Loading certificate files: what is accepted, and the typed error that names the file for each kind of breakage.
import { createPrivateKey } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateFileError, KeyMismatchError } from './errors.js';
import { loadCertificate } from './load.js';
import { makeCert, writePair, type TestPair } from './test-certs.js';

let tmp: TempDir;
let a: TestPair;
let b: TestPair;
let ca: TestPair;
let leaf: TestPair;

beforeAll(async () => {
  tmp = await tempDir('mail-tls-load-');
  [a, b, ca] = await Promise.all([makeCert(['a.test']), makeCert(['b.test']), makeCert(['Test CA'], { isCa: true })]);
  leaf = await makeCert(['leaf.test'], { ca });
});
afterAll(() => tmp.cleanup());

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('loadCertificate', () => {
  it('loads a matching pair and describes the certificate', async () => {
    const files = await writePair(tmp.path, 'a', a);
    const loaded = await loadCertificate(files);
    expect(loaded.info.subject).toBe('CN=a.test');
    expect(loaded.info.altNames).toEqual(['DNS:a.test']);
    expect(loaded.info.chainLength).toBe(1);
    expect(loaded.info.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(loaded.keyMode).toBe(0o600);
    expect(loaded.stamps).toHaveLength(2);
  });

  it('counts a chain appended to the certificate and one in a separate file', async () => {
    const appended = join(tmp.path, 'fullchain.crt');
    await writeFile(appended, leaf.cert + ca.cert);
    const key = join(tmp.path, 'leaf.key');
    await writeFile(key, leaf.key, { mode: 0o600 });
    expect((await loadCertificate({ cert: appended, key })).info.chainLength).toBe(2);

    const files = await writePair(tmp.path, 'leaf-only', leaf);
    const chain = join(tmp.path, 'chain.crt');
    await writeFile(chain, ca.cert);
    const loaded = await loadCertificate({ ...files, ca: chain });
    expect(loaded.info.chainLength).toBe(2);
    expect(loaded.pem.ca).toBe(ca.cert);
  });

  it('names a missing certificate file', async () => {
    const key = (await writePair(tmp.path, 'm', a)).key;
    const file = join(tmp.path, 'nope.crt');
    const err = await rejection(loadCertificate({ cert: file, key }));
    expect(err).toBeInstanceOf(CertificateFileError);
    expect(err).toMatchObject({ file, kind: 'certificate', problem: 'missing', code: 'ERR_TLS_FILE_MISSING' });
    expect((err as Error).message).toContain(file);
  });

  it('names a missing key file', async () => {
    const cert = (await writePair(tmp.path, 'mk', a)).cert;
    const file = join(tmp.path, 'nope.key');
    await expect(loadCertificate({ cert, key: file })).rejects.toMatchObject({ file, kind: 'private key', problem: 'missing' });
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable key file', async () => {
    const files = await writePair(tmp.path, 'unreadable', a);
    const { chmod } = await import('node:fs/promises');
    await chmod(files.key, 0);
    await expect(loadCertificate(files)).rejects.toMatchObject({ file: files.key, kind: 'private key', problem: 'unreadable' });
  });

  it('names a key file that cannot be opened', async () => {
    const files = await writePair(tmp.path, 'notdir', a);
    const key = join(files.cert, 'key.pem');
    const err = await rejection(loadCertificate({ cert: files.cert, key }));
    expect(err).toMatchObject({ file: key, kind: 'private key', problem: 'unreadable', code: 'ERR_TLS_FILE_UNREADABLE' });
    expect((err as Error).message).toBe(`private key file ${key}: cannot open (ENOTDIR)`);
  });

  it('refuses a directory in place of a key', async () => {
    const cert = (await writePair(tmp.path, 'dir', a)).cert;
    const key = join(tmp.path, 'a-directory');
    await mkdir(key);
    await expect(loadCertificate({ cert, key })).rejects.toMatchObject({ file: key, problem: 'invalid' });
  });

  const badCerts: Array<[string, (p: TestPair) => string]> = [
    ['empty', () => ''],
    ['not PEM', () => 'hello\n'],
    ['a key instead of a certificate', (p) => p.key],
    ['a damaged certificate', (p) => p.cert.replace(/^(-----BEGIN CERTIFICATE-----\n)..../, '$1AAAA')],
  ];
  it.each(badCerts)('refuses a certificate file that is %s', async (label, content) => {
    const files = await writePair(tmp.path, `bad-${label.replace(/\W/g, '')}`, a);
    await writeFile(files.cert, content(a));
    const err = await rejection(loadCertificate(files));
    expect(err).toBeInstanceOf(CertificateFileError);
    expect(err).toMatchObject({ file: files.cert, kind: 'certificate', problem: 'invalid' });
  });

  const badKeys: Array<[string, (p: TestPair) => string]> = [
    ['empty', () => ''],
    ['a certificate instead of a key', (p) => p.cert],
    ['a damaged key', (p) => p.key.replace(/\n[A-Za-z0-9+/]{8}/, '\n########')],
  ];
  it.each(badKeys)('refuses a key file that is %s', async (label, content) => {
    const files = await writePair(tmp.path, `badkey-${label.replace(/\W/g, '')}`, a);
    await writeFile(files.key, content(a));
    await expect(loadCertificate(files)).rejects.toMatchObject({ file: files.key, kind: 'private key', problem: 'invalid' });
  });

  it('refuses an encrypted key and says why', async () => {
    const files = await writePair(tmp.path, 'encrypted', a);
    const encrypted = createPrivateKey(a.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' });
    await writeFile(files.key, encrypted);
    await expect(loadCertificate(files)).rejects.toThrow(/encrypted/);
  });

  it('reports a key that belongs to another certificate', async () => {
    const files = await writePair(tmp.path, 'mismatch', { cert: a.cert, key: b.key });
    const err = await rejection(loadCertificate(files));
    expect(err).toBeInstanceOf(KeyMismatchError);
    expect(err).toMatchObject({ certFile: files.cert, keyFile: files.key, code: 'ERR_TLS_KEY_MISMATCH' });
  });

  it('explains a chain file with the server certificate in the wrong place', async () => {
    const files = await writePair(tmp.path, 'order', { cert: ca.cert + leaf.cert, key: leaf.key });
    await expect(loadCertificate(files)).rejects.toThrow(/matches certificate #2 .*put the server certificate first/);
  });

  it('refuses a chain file without certificates, naming it', async () => {
    const files = await writePair(tmp.path, 'badchain', leaf);
    const chain = join(tmp.path, 'empty-chain.crt');
    await writeFile(chain, 'nothing here');
    await expect(loadCertificate({ ...files, ca: chain })).rejects.toMatchObject({ file: chain, kind: 'CA chain', problem: 'invalid' });
  });
});
