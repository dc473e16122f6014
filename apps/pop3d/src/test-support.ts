// Test support: a pop3d over loopback with an in-memory directory, store and locks, and a typed POP3 test client.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Authenticator, hashPassword, MemoryDirectory } from '@mail/auth';
import { createLogger } from '@mail/log';
import { MemoryStore, type MailFolder } from '@mail/maildir';
import { createTlsProvider, type TlsProvider } from '@mail/tls';
import { MemoryMailboxLocks } from './lock.js';
import type { Pop3Deps } from './ports.js';
import { Pop3Server, type ListenerSpec } from './server.js';
import { DEFAULT_SETTINGS, type Pop3Settings } from './settings.js';

export const USER = 'alice@example.test';
export const PASSWORD = 'correct-horse';
export const HASHED_USER = 'bob@example.test';

export interface Harness {
  server: Pop3Server;
  store: MemoryStore;
  directory: MemoryDirectory;
  locks: MemoryMailboxLocks;
  deps: Pop3Deps;
  port: number;
  inbox(account?: string): Promise<MailFolder>;
  client(options?: { tls?: boolean }): Promise<TestClient>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<Pop3Settings>;
  deps?: Partial<Pop3Deps>;
  listener?: Partial<ListenerSpec>;
  maxConnections?: number;
  maxPerIp?: number;
  /** Treat the loopback client as a remote one (plaintext logins need TLS). */
  remote?: boolean;
  /** Certificates for STLS and implicit TLS. */
  tls?: TlsProvider;
  messages?: Array<string | Buffer>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const directory = new MemoryDirectory({ configDomains: ['example.test'] });
  await directory.addAccount({ address: USER, passwordHash: `{PLAIN}${PASSWORD}` });
  await directory.addAccount({ address: HASHED_USER, passwordHash: await hashPassword(PASSWORD, 'SHA256-CRYPT') });
  const store = new MemoryStore();
  for (const m of options.messages ?? []) await store.deliver(USER, 'INBOX', m);
  const locks = new MemoryMailboxLocks();
  const auth = new Authenticator({ directory, sleep: async () => undefined });
  const deps: Pop3Deps = {
    auth,
    accounts: directory,
    inboxes: { open: async (account) => (await store.openMailbox(account.address)).folder('INBOX') },
    locks,
    apopAvailable: async () => true,
    ...(options.tls ? { tls: options.tls } : {}),
    ...options.deps,
  };
  const log = createLogger('pop3d-test', { level: process.env.TEST_LOG === '1' ? 'debug' : 'silent' });
  const server = new Pop3Server({
    deps,
    settings: { ...DEFAULT_SETTINGS, hostname: 'pop.example.test', ...options.settings },
    log,
    maxConnections: options.maxConnections ?? 100,
    maxPerIp: options.maxPerIp ?? 100,
    ...(options.remote ? { isLoopback: () => false } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  await server.listen([{ host: '127.0.0.1', port: 0, tls: 'starttls', ...options.listener }]);
  const port = server.addresses()[0]!.port;
  const clients: TestClient[] = [];
  return {
    server,
    store,
    directory,
    locks,
    deps,
    port,
    inbox: async (account = USER) => (await store.openMailbox(account)).folder('INBOX'),
    async client(connectOptions: { tls?: boolean } = {}) {
      const c = await TestClient.connect(port, connectOptions);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await server.stop(1000);
      await store.close();
    },
  };
}

export interface Response {
  ok: boolean;
  /** The status line without +OK/-ERR and the space. */
  text: string;
  /** Lines of a multi-line response, byte-stuffing removed. */
  lines?: string[];
  /** The raw octets of a multi-line body, before un-stuffing, without the terminator line. */
  raw?: Buffer;
}

/** A minimal POP3 client that reads exactly what the server sends. */
export class TestClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  greeting = '';

  private constructor(public socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<TestClient> {
    const socket = options.tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new TestClient(socket);
    c.greeting = await c.line();
    return c;
  }

  private listen(socket: Socket): void {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buffer.toString('latin1'))}`);
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** One line without CRLF. */
  async line(): Promise<string> {
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i >= 0) {
        const line = this.buffer.subarray(0, i).toString('utf8');
        this.buffer = this.buffer.subarray(i + 2);
        return line;
      }
      await this.more();
    }
  }

  /** A multi-line body up to the terminator: the raw octets and the un-stuffed lines. */
  async body(): Promise<{ raw: Buffer; lines: string[] }> {
    for (;;) {
      const end = this.buffer.subarray(0, 3).equals(Buffer.from('.\r\n')) ? 0 : this.buffer.indexOf('\r\n.\r\n');
      if (end >= 0) {
        const rawEnd = end === 0 ? 0 : end + 2;
        const raw = this.buffer.subarray(0, rawEnd);
        this.buffer = this.buffer.subarray(rawEnd + 3);
        const text = raw.toString('utf8');
        const lines = text === '' ? [] : text.slice(0, -2).split('\r\n').map((l) => (l.startsWith('.') ? l.slice(1) : l));
        return { raw: Buffer.from(raw), lines };
      }
      await this.more();
    }
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Reads one response; `multi` says whether a +OK is followed by a body. */
  async response(multi = false): Promise<Response> {
    const status = await this.line();
    const ok = status.startsWith('+OK');
    if (!ok && !status.startsWith('-ERR')) throw new Error(`not a status line: ${status}`);
    const text = status.slice(ok ? 3 : 4).replace(/^ /, '');
    if (!ok || !multi) return { ok, text };
    const { raw, lines } = await this.body();
    return { ok, text, raw, lines };
  }

  async command(line: string, multi = false): Promise<Response> {
    this.send(`${line}\r\n`);
    return this.response(multi);
  }

  async login(user = USER, password = PASSWORD): Promise<void> {
    const u = await this.command(`USER ${user}`);
    const p = await this.command(`PASS ${password}`);
    if (!u.ok || !p.ok) throw new Error(`login failed: ${u.text} / ${p.text}`);
  }

  /** Waits until the server closes the connection. */
  async closedByServer(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the server did not close the connection');
      await Promise.race([this.more().catch(() => undefined), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  /** Replaces the socket after STLS. */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = Buffer.alloc(0);
    this.listen(secure);
  }

  async quit(): Promise<Response> {
    const r = await this.command('QUIT');
    await this.closedByServer();
    return r;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A TLS provider with a self-signed certificate in `dir` (generated once per directory). */
export async function testTls(dir: string): Promise<TlsProvider> {
  return createTlsProvider({ tls: { selfSigned: true, reloadInterval: 0 }, hostname: 'pop.example.test', dataDir: dir, log: createLogger('tls-test', { level: 'silent' }) });
}
