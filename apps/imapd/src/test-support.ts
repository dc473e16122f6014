// Test support: imapd on loopback with an in-memory directory and store, and a typed IMAP test client that
// reads exactly what the server sends (literals included).
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Authenticator, MemoryDirectory } from '@mail/auth';
import { parseConfig } from '@mail/config';
import { freePort } from '@mail/testing';
import { createLogger } from '@mail/log';
import { MemoryStore } from '@mail/maildir';
import { createTlsProvider, type TlsProvider } from '@mail/tls';
import type { ImapdDeps } from './context.js';
import { start, type Imapd } from './main.js';

export const USER = 'alice@example.test';
export const PASSWORD = 'correct-horse';

export interface Harness {
  imapd: Imapd;
  store: MemoryStore;
  directory: MemoryDirectory;
  port: number;
  tlsPort: number;
  client(options?: { tls?: boolean }): Promise<TestClient>;
  /** A client logged in as USER. */
  login(): Promise<TestClient>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  limits?: Record<string, unknown>;
  imapd?: Record<string, unknown>;
  tls?: boolean;
  deps?: Partial<ImapdDeps>;
  store?: MemoryStore;
}

let sharedTls: { provider: TlsProvider; dir: string } | undefined;

async function testTls(): Promise<TlsProvider> {
  if (!sharedTls) {
    const dir = await mkdtemp(join(tmpdir(), 'imapd-tls-'));
    const provider = await createTlsProvider({ tls: { selfSigned: true, sni: {}, minVersion: 'TLSv1.2', reloadInterval: 0 }, hostname: 'imap.example.test', dataDir: dir });
    sharedTls = { provider, dir };
  }
  return sharedTls.provider;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const directory = new MemoryDirectory({ configDomains: ['example.test'] });
  await directory.addAccount({ address: USER, passwordHash: `{PLAIN}${PASSWORD}` });
  await directory.addAccount({ address: 'bob@example.test', passwordHash: `{PLAIN}${PASSWORD}` });
  const store = options.store ?? new MemoryStore();
  const authenticator = new Authenticator({ directory, sleep: async () => undefined });
  const tls = options.tls === false ? undefined : await testTls();
  const deps: ImapdDeps = {
    accounts: {
      login: (u, p, ctx) => authenticator.login(u, p, ctx),
      forClient: (ctx) => authenticator.forClient(ctx),
      account: (a) => directory.findAccount(a),
    },
    mailboxes: { open: (a) => store.openMailbox(a.address), subscribe: (a, l) => store.subscribe(a, l) },
    tls,
    ...options.deps,
  };
  const config = parseConfig({
    hostname: 'imap.example.test',
    imapd: {
      listeners: [
        { host: '127.0.0.1', port: await freePort(), tls: 'starttls' },
        ...(tls ? [{ host: '127.0.0.1', port: await freePort(), tls: 'implicit' }] : []),
      ],
      ...options.imapd,
    },
    limits: options.limits ?? {},
  });
  const log = createLogger('imapd-test', { level: process.env.TEST_LOG === '1' ? 'debug' : 'silent' });
  const imapd = await start(config, log, deps);
  const [plain, secure] = imapd.listeners();
  const clients: TestClient[] = [];
  const harness: Harness = {
    imapd,
    store,
    directory,
    port: plain?.port ?? 0,
    tlsPort: secure?.port ?? 0,
    async client(o = {}) {
      const c = await TestClient.connect(o.tls ? harness.tlsPort : harness.port, o);
      clients.push(c);
      return c;
    },
    async login() {
      const c = await harness.client();
      await c.ok(`LOGIN ${USER} ${PASSWORD}`);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await imapd.stop();
      if (!options.store) await store.close();
    },
  };
  return harness;
}

export async function stopSharedTls(): Promise<void> {
  if (!sharedTls) return;
  sharedTls.provider.close();
  await rm(sharedTls.dir, { recursive: true, force: true });
  sharedTls = undefined;
}

export interface Reply {
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged line after the status. */
  text: string;
  /** Untagged responses and continuations, literals inlined. */
  untagged: string[];
}

export class TestClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private tagNo = 0;
  closed = false;
  greeting = '';

  constructor(public socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<TestClient> {
    const socket = options.tls ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : connect({ host: '127.0.0.1', port });
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

  private async more(timeoutMs: number): Promise<void> {
    if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buffer.toString('latin1'))}`);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout; buffered: ${JSON.stringify(this.buffer.toString('latin1'))}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** One response line with any literals it announces inlined (CRLF removed). */
  async line(timeoutMs = 5000): Promise<string> {
    let out = '';
    for (;;) {
      const lf = this.buffer.indexOf('\r\n');
      if (lf < 0) {
        await this.more(timeoutMs);
        continue;
      }
      const text = this.buffer.subarray(0, lf).toString('utf8');
      const m = /\{(\d+)\}$/.exec(text);
      if (m) {
        const n = Number(m[1]);
        while (this.buffer.length < lf + 2 + n) await this.more(timeoutMs);
        out += text + '\r\n' + this.buffer.subarray(lf + 2, lf + 2 + n).toString('utf8');
        this.buffer = this.buffer.subarray(lf + 2 + n);
        continue;
      }
      this.buffer = this.buffer.subarray(lf + 2);
      return out + text;
    }
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  nextTag(): string {
    return `a${++this.tagNo}`;
  }

  /** Sends `tag command` and reads up to its tagged reply. */
  async cmd(command: string, timeoutMs = 5000): Promise<Reply> {
    const tag = this.nextTag();
    this.write(`${tag} ${command}\r\n`);
    return this.reply(tag, timeoutMs);
  }

  async reply(tag: string, timeoutMs = 5000): Promise<Reply> {
    const untagged: string[] = [];
    for (;;) {
      const l = await this.line(timeoutMs);
      if (l.startsWith(`${tag} `)) {
        const [, status = '', text = ''] = /^\S+ (OK|NO|BAD) ?(.*)$/s.exec(l) ?? [];
        return { status: status as Reply['status'], text, untagged };
      }
      untagged.push(l);
    }
  }

  /** cmd() that must succeed. */
  async ok(command: string): Promise<Reply> {
    const r = await this.cmd(command);
    if (r.status !== 'OK') throw new Error(`${command} → ${r.status} ${r.text} ${JSON.stringify(r.untagged)}`);
    return r;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
