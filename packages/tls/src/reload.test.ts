// Hot reload over real TLS: replaced, broken, half-deployed, deleted and symlinked certificate files.
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertificateFileError, KeyMismatchError } from './errors.js';
import { createTlsProvider, type ReloadErrorEvent, type ReloadEvent, type TlsProvider } from './provider.js';
import { captureLog, closeServer, fingerprint, listen, makeCert, roundTrip, tlsClient, type CapturedLog, type TestPair } from './test-certs.js';

let pool: TestPair[];
let tmp: TempDir;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  pool = await Promise.all([
    makeCert(['mail.example.test']),
    makeCert(['mail.example.test']),
    makeCert(['mail.example.test']),
    makeCert(['mail.other.test']),
    makeCert(['mail.other.test']),
  ]);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Replaces a file the way deployment tools do: write aside, then rename over. */
async function replace(file: string, text: string): Promise<void> {
  await writeFile(`${file}.new`, text, { mode: 0o600 });
  await rename(`${file}.new`, file);
}

async function deploy(files: { cert: string; key: string }, pair: TestPair): Promise<void> {
  await replace(files.key, pair.key);
  await replace(files.cert, pair.cert);
}

interface Setup {
  p: TlsProvider;
  port: number;
  main: { cert: string; key: string };
  other: { cert: string; key: string };
  captured: CapturedLog;
}

async function setup(reloadInterval = 0): Promise<Setup> {
  tmp = await tempDir('mail-tls-reload-');
  cleanups.push(() => tmp.cleanup());
  const main = { cert: join(tmp.path, 'main.crt'), key: join(tmp.path, 'main.key') };
  const other = { cert: join(tmp.path, 'other.crt'), key: join(tmp.path, 'other.key') };
  await deploy(main, pool[0] as TestPair);
  await deploy(other, pool[3] as TestPair);
  const captured = captureLog();
  const p = await createTlsProvider({
    tls: { ...main, sni: { 'mail.other.test': other }, reloadInterval },
    hostname: 'mail.example.test',
    dataDir: tmp.path,
    log: captured.log,
  });
  cleanups.push(() => p.close());
  // An echo server: data sent on a connection comes back, proving the connection still works.
  const server = p.createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  const port = await listen(server);
  cleanups.push(() => closeServer(server));
  return { p, port, main, other, captured };
}

async function seenBy(port: number, servername?: string): Promise<string> {
  const seen = await tlsClient(port, servername ? { servername } : {});
  seen.socket.destroy();
  return seen.peer.fingerprint256;
}

function next<K extends 'reload' | 'reloadError'>(p: TlsProvider, event: K, timeout = 5000): Promise<K extends 'reload' ? ReloadEvent : ReloadErrorEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeout} ms`)), timeout);
    p.once(event, ((e: ReloadEvent | ReloadErrorEvent) => {
      clearTimeout(timer);
      resolve(e as K extends 'reload' ? ReloadEvent : ReloadErrorEvent);
    }) as never);
  });
}

describe('hot reload', () => {
  it('notices replaced files by itself; new connections get the new certificate, open ones keep working', async () => {
    const { p, port, main } = await setup(50);
    const before = await tlsClient(port);
    const beforeSni = await tlsClient(port, { servername: 'mail.other.test' });
    cleanups.push(() => before.socket.destroy(), () => beforeSni.socket.destroy());
    expect(before.peer.fingerprint256).toBe(await fingerprint(pool[0]!.cert));

    const reloaded = next(p, 'reload');
    await deploy(main, pool[1] as TestPair);
    const event = await reloaded;
    expect(event).toMatchObject({ name: 'mail.example.test', isDefault: true });
    expect(event.certificate.fingerprint256).toBe(await fingerprint(pool[1]!.cert));

    // Clients without SNI are served by the server's own context, which attach() replaced.
    expect(await seenBy(port)).toBe(await fingerprint(pool[1]!.cert));
    expect(await seenBy(port, 'mail.example.test')).toBe(await fingerprint(pool[1]!.cert));
    expect(await seenBy(port, 'mail.other.test')).toBe(await fingerprint(pool[3]!.cert));
    expect(await roundTrip(before.socket, 'still there\r\n')).toBe('still there\r\n');
    expect(await roundTrip(beforeSni.socket, 'me too\r\n')).toBe('me too\r\n');
  });

  it('reloads an SNI certificate without touching the default one', async () => {
    const { p, port, other } = await setup();
    await deploy(other, pool[4] as TestPair);
    const reloaded = next(p, 'reload');
    await p.reload();
    expect((await reloaded).name).toBe('mail.other.test');
    expect(await seenBy(port, 'mail.other.test')).toBe(await fingerprint(pool[4]!.cert));
    expect(await seenBy(port)).toBe(await fingerprint(pool[0]!.cert));
  });

  it('keeps the previous certificate when the new files are broken, reports it once, and recovers', async () => {
    const { p, port, main, captured } = await setup();
    const errors: ReloadErrorEvent[] = [];
    p.on('reloadError', (e) => errors.push(e));
    const old = await fingerprint(pool[0]!.cert);

    await replace(main.cert, 'not a certificate\n');
    await p.reload();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(CertificateFileError);
    expect(errors[0]?.error).toMatchObject({ file: main.cert, problem: 'invalid' });
    expect(await seenBy(port)).toBe(old);
    const logged = captured.lines().find((l) => l.level === 50);
    expect(JSON.stringify(logged)).toContain(main.cert);

    await p.reload();
    expect(errors).toHaveLength(1);

    // A certificate whose key has not been deployed yet: a mismatch, still the old certificate.
    await replace(main.cert, pool[2]!.cert);
    await p.reload();
    expect(errors).toHaveLength(2);
    expect(errors[1]?.error).toBeInstanceOf(KeyMismatchError);
    expect(await seenBy(port)).toBe(old);

    await replace(main.key, pool[2]!.key);
    const reloaded = next(p, 'reload');
    await p.reload();
    expect((await reloaded).certificate.fingerprint256).toBe(await fingerprint(pool[2]!.cert));
    expect(await seenBy(port)).toBe(await fingerprint(pool[2]!.cert));
  });

  it('keeps the previous certificate when a file disappears', async () => {
    const { p, port, other } = await setup();
    await rm(other.key);
    const failed = next(p, 'reloadError');
    await p.reload();
    expect((await failed).error).toMatchObject({ file: other.key, problem: 'missing' });
    expect(await seenBy(port, 'mail.other.test')).toBe(await fingerprint(pool[3]!.cert));
  });

  it('follows a symbolic link switched to new files', async () => {
    tmp = await tempDir('mail-tls-link-');
    cleanups.push(() => tmp.cleanup());
    const archive = join(tmp.path, 'archive');
    await mkdir(archive);
    for (const [i, pair] of [pool[0], pool[1]].entries()) {
      await writeFile(join(archive, `cert${i}.pem`), pair!.cert);
      await writeFile(join(archive, `key${i}.pem`), pair!.key, { mode: 0o600 });
    }
    const live = { cert: join(tmp.path, 'cert.pem'), key: join(tmp.path, 'key.pem') };
    await symlink(join(archive, 'cert0.pem'), live.cert);
    await symlink(join(archive, 'key0.pem'), live.key);
    const p = await createTlsProvider({ tls: { ...live, reloadInterval: 0 }, hostname: 'mail.example.test', dataDir: tmp.path, log: captureLog().log });
    cleanups.push(() => p.close());
    for (const [link, target] of [[live.key, 'key1.pem'], [live.cert, 'cert1.pem']] as const) {
      await symlink(join(archive, target), `${link}.tmp`);
      await rename(`${link}.tmp`, link);
    }
    await p.reload();
    expect(p.certificateFor().fingerprint256).toBe(await fingerprint(pool[1]!.cert));
  });

  it('gives STARTTLS connections after a reload the new certificate', async () => {
    const { p, main } = await setup();
    const { createServer } = await import('node:net');
    const plain = createServer((raw) => {
      raw.once('data', () => {
        raw.write('220 ready\r\n');
        p.upgrade(raw).then((s) => s.end(), () => undefined);
      });
    });
    const port = await listen(plain);
    cleanups.push(() => closeServer(plain));
    const starttls = async (): Promise<string> => {
      const raw = connect(port, '127.0.0.1');
      await new Promise((r) => raw.once('connect', r));
      raw.write('STARTTLS\r\n');
      await new Promise((r) => raw.once('data', r));
      const { connect: tlsConnect } = await import('node:tls');
      const s = tlsConnect({ socket: raw, rejectUnauthorized: false });
      await new Promise((r) => s.once('secureConnect', r));
      const fp = s.getPeerCertificate().fingerprint256;
      s.destroy();
      return fp;
    };
    expect(await starttls()).toBe(await fingerprint(pool[0]!.cert));
    await deploy(main, pool[1] as TestPair);
    await p.reload();
    expect(await starttls()).toBe(await fingerprint(pool[1]!.cert));
  });

  it('stops checking after close()', async () => {
    const { p, main } = await setup(20);
    p.close();
    let reloads = 0;
    p.on('reload', () => reloads++);
    await deploy(main, pool[1] as TestPair);
    await new Promise((r) => setTimeout(r, 150));
    expect(reloads).toBe(0);
    expect(p.certificateFor().fingerprint256).toBe(await fingerprint(pool[0]!.cert));
  });
});

describe('attach', () => {
  it('brings a server made from options taken before a reload up to date', async () => {
    const { p, main } = await setup();
    const stale = p.serverOptions();
    await deploy(main, pool[1] as TestPair);
    await p.reload();
    const { createServer } = await import('node:tls');
    const server = createServer(stale, (s) => s.end());
    p.attach(server);
    const port = await listen(server);
    cleanups.push(() => closeServer(server));
    expect(await seenBy(port)).toBe(await fingerprint(pool[1]!.cert));
  });
});
