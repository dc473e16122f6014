// Test support: certificates generated on the fly (no keys in the repository) and a TLS client that reports what it saw.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type PeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';
import type { AddressInfo, Server } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@mail/log';
import { generate } from 'selfsigned';

export interface TestPair {
  cert: string;
  key: string;
}

export interface TestCertOptions {
  /** Sign with this CA instead of self-signing. */
  ca?: TestPair;
  isCa?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

/** An ECDSA P-256 certificate whose CN is the first name and whose SANs are all the names. */
export async function makeCert(names: string[], options: TestCertOptions = {}): Promise<TestPair> {
  const [cn = 'test'] = names;
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ...(options.notBefore ? { notBeforeDate: options.notBefore } : {}),
    ...(options.notAfter ? { notAfterDate: options.notAfter } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    extensions: options.isCa
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2 as const, value })) },
        ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Writes a pair as `<base>.crt` and `<base>.key` (mode 0600) in `dir`. */
export async function writePair(dir: string, base: string, pair: TestPair): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${base}.crt`);
  const key = join(dir, `${base}.key`);
  await writeFile(cert, pair.cert);
  await writeFile(key, pair.key, { mode: 0o600 });
  await chmod(key, 0o600);
  return { cert, key };
}

export interface Seen {
  socket: TLSSocket;
  peer: PeerCertificate;
  protocol: string | null;
  cipher: string;
}

export interface ClientOptions {
  servername?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
}

/** Connects with TLS and resolves with the certificate the server presented; the socket stays open. */
export function tlsClient(port: number, options: ClientOptions = {}): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      socket.off('error', reject);
      resolve({ socket, peer: socket.getPeerCertificate(), protocol: socket.getProtocol(), cipher: socket.getCipher().name });
    });
    socket.once('error', reject);
  });
}

/** The fingerprint tls.connect reports for a PEM certificate (SHA-256, colon-separated upper-case hex). */
export async function fingerprint(pem: string): Promise<string> {
  const { X509Certificate } = await import('node:crypto');
  return new X509Certificate(pem).fingerprint256;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Sends a line over an established TLS socket and waits for the echo server's answer. */
export function roundTrip(socket: TLSSocket, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (d: Buffer) => resolve(d.toString('utf8')));
    socket.once('error', reject);
    socket.write(line);
  });
}

export interface CapturedLog {
  log: Logger;
  /** Parsed JSON log lines written so far. */
  lines(): Array<Record<string, unknown>>;
}

/** A logger whose lines a test can read back. */
export function captureLog(): CapturedLog {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    log: createLogger('tls-test', { level: 'info', format: 'json' }, sink),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
