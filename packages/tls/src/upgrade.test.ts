// STARTTLS over a plain TCP connection, as the daemons do it: success, SNI, and every way the handshake can fail.
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { tempDir, type TempDir } from '@mail/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TlsHandshakeError } from './errors.js';
import { createTlsProvider, type TlsProvider } from './provider.js';
import { captureLog, closeServer, fingerprint, listen, makeCert, writePair, type TestPair } from './test-certs.js';

let tmp: TempDir;
let main: TestPair;
let other: TestPair;
let p: TlsProvider;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  tmp = await tempDir('mail-tls-upgrade-');
  [main, other] = await Promise.all([makeCert(['mail.example.test']), makeCert(['mail.other.test'])]);
  p = await createTlsProvider({
    tls: { ...(await writePair(tmp.path, 'main', main)), sni: { 'mail.other.test': await writePair(tmp.path, 'other', other) }, reloadInterval: 0 },
    hostname: 'mail.example.test',
    dataDir: tmp.path,
    log: captureLog().log,
  });
});
afterAll(async () => {
  p.close();
  await tmp.cleanup();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A line-based plaintext server in the manner of an SMTP/POP3/IMAP daemon: STARTTLS gets "220 ready", the reader is
 * detached, and the socket is upgraded; after that it answers each line with "secure: <line>".
 */
async function starttlsServer(upgradeTimeout?: number): Promise<{ port: number; outcomes: Array<Promise<TLSSocket>> }> {
  const outcomes: Array<Promise<TLSSocket>> = [];
  const server: Server = createServer((raw: Socket) => {
    raw.on('error', () => undefined);
    const onData = (chunk: Buffer): void => {
      if (!chunk.toString().startsWith('STARTTLS')) {
        raw.write('500 unknown\r\n');
        return;
      }
      raw.off('data', onData);
      raw.write('220 ready\r\n');
      const done = p.upgrade(raw, upgradeTimeout ? { timeout: upgradeTimeout } : {});
      outcomes.push(done);
      done.then(
        (secure) => {
          secure.on('error', () => undefined);
          secure.on('data', (d: Buffer) => secure.write(`secure: ${d.toString()}`));
        },
        () => undefined,
      );
    };
    raw.on('data', onData);
  });
  const port = await listen(server);
  cleanups.push(() => closeServer(server));
  return { port, outcomes };
}

async function plainUntilReady(port: number): Promise<Socket> {
  const raw = netConnect(port, '127.0.0.1');
  cleanups.push(() => raw.destroy());
  await new Promise((r) => raw.once('connect', r));
  raw.write('STARTTLS\r\n');
  const reply = await new Promise<string>((r) => raw.once('data', (d: Buffer) => r(d.toString())));
  expect(reply).toBe('220 ready\r\n');
  return raw;
}

describe('upgrade (STARTTLS)', () => {
  it('turns a plaintext connection into TLS and carries data both ways', async () => {
    const { port, outcomes } = await starttlsServer();
    const raw = await plainUntilReady(port);
    const secure = tlsConnect({ socket: raw, servername: 'mail.example.test', rejectUnauthorized: false });
    cleanups.push(() => secure.destroy());
    await new Promise((r) => secure.once('secureConnect', r));
    expect(secure.getPeerCertificate().fingerprint256).toBe(await fingerprint(main.cert));
    const serverSide = await outcomes[0];
    expect(serverSide?.encrypted).toBe(true);
    expect(serverSide?.getProtocol()).toBe('TLSv1.3');
    const answer = await new Promise<string>((r) => {
      secure.once('data', (d: Buffer) => r(d.toString()));
      secure.write('EHLO client.test\r\n');
    });
    expect(answer).toBe('secure: EHLO client.test\r\n');
  });

  it('picks the certificate by SNI', async () => {
    const { port } = await starttlsServer();
    const raw = await plainUntilReady(port);
    const secure = tlsConnect({ socket: raw, servername: 'mail.other.test', rejectUnauthorized: false });
    cleanups.push(() => secure.destroy());
    await new Promise((r) => secure.once('secureConnect', r));
    expect(secure.getPeerCertificate().fingerprint256).toBe(await fingerprint(other.cert));
  });

  it('verifies against the certificate as a trust anchor', async () => {
    const { port } = await starttlsServer();
    const raw = await plainUntilReady(port);
    const secure = tlsConnect({ socket: raw, servername: 'mail.other.test', ca: [other.cert] });
    cleanups.push(() => secure.destroy());
    await new Promise((r) => secure.once('secureConnect', r));
    expect(secure.authorized).toBe(true);
  });

  it('rejects with a timeout when the client never starts the handshake', async () => {
    const { port, outcomes } = await starttlsServer(150);
    const raw = await plainUntilReady(port);
    const err = await outcomes[0]?.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsHandshakeError);
    expect(err).toMatchObject({ reason: 'timeout', code: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
    await new Promise((r) => (raw.destroyed || raw.readableEnded ? r(undefined) : raw.once('close', r)));
  });

  it('rejects when the client sends plaintext instead of a ClientHello', async () => {
    const { port, outcomes } = await starttlsServer();
    const raw = await plainUntilReady(port);
    raw.write('MAIL FROM:<injected@example.test>\r\n');
    const err = await outcomes[0]?.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsHandshakeError);
    expect(err).toMatchObject({ reason: 'failed' });
  });

  it('rejects when the client goes away during the handshake', async () => {
    const { port, outcomes } = await starttlsServer();
    const raw = await plainUntilReady(port);
    raw.destroy();
    const err = await outcomes[0]?.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsHandshakeError);
    expect(['closed', 'failed']).toContain((err as TlsHandshakeError).reason);
  });

  it('rejects at once for a socket that is already closed', async () => {
    const { createConnection } = await import('node:net');
    const server = createServer((s) => s.destroy());
    const port = await listen(server);
    cleanups.push(() => closeServer(server));
    const raw = createConnection(port, '127.0.0.1');
    raw.on('error', () => undefined);
    await new Promise((r) => raw.once('close', r));
    await expect(p.upgrade(raw)).rejects.toMatchObject({ reason: 'closed' });
  });
});
