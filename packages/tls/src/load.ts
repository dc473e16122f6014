// Reading a certificate, its private key and an optional chain from PEM files, with checks that name the file at fault.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CertificateFileError, KeyMismatchError, type CertificateFileKind } from './errors.js';
import { sameStamps, stampFiles, type FileStamp } from './stamps.js';

/** The files of one certificate: leaf first in `cert` (chain may follow), its key, and optionally a separate chain. */
export interface CertificateFiles {
  cert: string;
  key: string;
  ca?: string;
}

/** What a certificate says about itself, for logs, status output and tests. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Subject alternative names as OpenSSL prints them: `DNS:mail.example.test`, `IP Address:127.0.0.1`. */
  altNames: string[];
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  fingerprint256: string;
  /** Certificates in the chain sent to clients, leaf included. */
  chainLength: number;
}

export interface LoadedCertificate {
  files: CertificateFiles;
  /** PEM texts as read; `key` is secret and never logged. */
  pem: { cert: string; key: string; ca?: string };
  leaf: X509Certificate;
  info: CertificateInfo;
  /** File identities taken before reading; a later check compares against them. */
  stamps: FileStamp[];
  /** Permission bits of the key file (a key readable by group or others is reported). */
  keyMode: number;
}

/** Certificate and key files larger than this are refused rather than read whole. */
const MAX_PEM_SIZE = 1024 * 1024;

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----/;

async function readPem(file: string, kind: CertificateFileKind): Promise<{ text: string; mode: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertificateFileError(file, kind, 'missing', 'not found', { cause: err });
    throw new CertificateFileError(file, kind, 'unreadable', `cannot open (${code ?? (err as Error).message})`, { cause: err });
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new CertificateFileError(file, kind, 'invalid', 'not a regular file');
    if (s.size > MAX_PEM_SIZE) throw new CertificateFileError(file, kind, 'invalid', `larger than ${MAX_PEM_SIZE} bytes`);
    const text = await handle.readFile({ encoding: 'utf8' });
    return { text, mode: s.mode & 0o777 };
  } catch (err) {
    if (err instanceof CertificateFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CertificateFileError(file, kind, 'unreadable', `cannot read (${code ?? (err as Error).message})`, { cause: err });
  } finally {
    await handle.close();
  }
}

/** Parses every PEM certificate block of a file; the file must hold at least one and nothing unparsable. */
export function parseCertificates(text: string, file: string, kind: CertificateFileKind): X509Certificate[] {
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) throw new CertificateFileError(file, kind, 'invalid', 'no PEM certificate (-----BEGIN CERTIFICATE-----) found');
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new CertificateFileError(file, kind, 'invalid', `certificate #${i + 1} cannot be parsed (${(err as Error).message})`, { cause: err });
    }
  });
}

/** Parses a PEM private key; encrypted keys are refused since a daemon has no one to ask for the passphrase. */
export function parsePrivateKey(text: string, file: string): KeyObject {
  const m = KEY_BLOCK.exec(text);
  if (!m) throw new CertificateFileError(file, 'private key', 'invalid', 'no PEM private key (-----BEGIN PRIVATE KEY-----) found');
  if (m[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new CertificateFileError(file, 'private key', 'invalid', 'the key is encrypted; store it unencrypted, readable only by the mail user (mode 0600)');
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch (err) {
    throw new CertificateFileError(file, 'private key', 'invalid', `cannot be parsed (${(err as Error).message})`, { cause: err });
  }
}

export function describeCertificate(leaf: X509Certificate, chainLength: number): CertificateInfo {
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    altNames: leaf.subjectAltName ? leaf.subjectAltName.split(/,\s*/) : [],
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
    chainLength,
  };
}

/** Checks that `key` belongs to the first certificate, with a hint when it belongs to a later one (wrong order). */
export function checkKeyPair(chain: readonly X509Certificate[], key: KeyObject, files: CertificateFiles): void {
  const [leaf, ...rest] = chain;
  if (leaf?.checkPrivateKey(key)) return;
  const at = rest.findIndex((c) => c.checkPrivateKey(key));
  const hint = at >= 0 ? `the key matches certificate #${at + 2} of the file: put the server certificate first, then its chain` : '';
  throw new KeyMismatchError(files.cert, files.key, hint);
}

async function readAll(files: CertificateFiles): Promise<{ cert: string; key: string; ca?: string; keyMode: number }> {
  const [cert, key, ca] = await Promise.all([
    readPem(files.cert, 'certificate'),
    readPem(files.key, 'private key'),
    files.ca ? readPem(files.ca, 'CA chain') : Promise.resolve(undefined),
  ]);
  return { cert: cert.text, key: key.text, ...(ca ? { ca: ca.text } : {}), keyMode: key.mode };
}

export function fileList(files: CertificateFiles): string[] {
  return files.ca ? [files.cert, files.key, files.ca] : [files.cert, files.key];
}

/**
 * Reads and checks one certificate. Files that change while being read (a deployment writing them) are read
 * again, a few times, so that a consistent set is loaded; the stamps returned are those taken before the read.
 */
export async function loadCertificate(input: CertificateFiles): Promise<LoadedCertificate> {
  const files: CertificateFiles = { cert: resolve(input.cert), key: resolve(input.key), ...(input.ca ? { ca: resolve(input.ca) } : {}) };
  const names = fileList(files);
  let stamps = await stampFiles(names);
  let pem = await readAll(files);
  for (let attempt = 0; attempt < 3; attempt++) {
    const after = await stampFiles(names);
    if (sameStamps(stamps, after)) break;
    stamps = after;
    pem = await readAll(files);
  }
  const chain = parseCertificates(pem.cert, files.cert, 'certificate');
  const extra = pem.ca !== undefined && files.ca ? parseCertificates(pem.ca, files.ca, 'CA chain') : [];
  const key = parsePrivateKey(pem.key, files.key);
  checkKeyPair(chain, key, files);
  const leaf = chain[0] as X509Certificate;
  return {
    files,
    pem: { cert: pem.cert, key: pem.key, ...(pem.ca !== undefined ? { ca: pem.ca } : {}) },
    leaf,
    info: describeCertificate(leaf, chain.length + extra.length),
    stamps,
    keyMode: pem.keyMode,
  };
}
