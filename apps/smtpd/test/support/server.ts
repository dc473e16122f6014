// Starts smtpd on free loopback ports with in-memory collaborators, for session tests.
import { Writable } from 'node:stream';
import { parseConfig, type ConfigInput } from '@mail/config';
import { createLogger } from '@mail/log';
import { freePort, tempDir } from '@mail/testing';
import { createTlsProvider, type TlsProvider } from '@mail/tls';
import { start, type Smtpd, type SmtpdDeps } from '../../src/main.js';
import { SmtpClient } from './client.js';
import { FakeGate, FakeSasl, fixedResolver, MemoryPolicy, MemorySink } from './fakes.js';

export const LOCAL_DOMAIN = 'local.test';
export const USERS = { 'alice@local.test': 'secret-alice', 'bob@local.test': 'secret-bob' };

type Mode = 'mx' | 'submission' | 'submissions';
type TlsMode = 'none' | 'starttls' | 'implicit';

export interface TestServer {
  smtpd: Smtpd;
  sink: MemorySink;
  policy: MemoryPolicy;
  sasl: FakeSasl;
  gate: FakeGate;
  /** Every log line written, as JSON text. */
  logs: string[];
  port(mode?: Mode): number;
  connect(mode?: Mode): Promise<SmtpClient>;
  /** Connects and reads the greeting. */
  open(mode?: Mode, ehlo?: string | false): Promise<SmtpClient>;
  stop(): Promise<void>;
}

let sharedTls: Promise<TlsProvider> | undefined;

/** One self-signed certificate for all tests of a file. */
export function testTls(): Promise<TlsProvider> {
  sharedTls ??= (async () => {
    const dir = await tempDir('smtpd-tls-');
    return createTlsProvider({ tls: { selfSigned: true, reloadInterval: 0 }, hostname: 'mx.test', dataDir: dir.path, log: createLogger('tls', { level: 'silent' }) });
  })();
  return sharedTls;
}

export interface TestServerOptions {
  listeners?: Array<{ mode: Mode; tls: TlsMode }>;
  config?: Omit<ConfigInput, 'smtpd'> & { smtpd?: Omit<NonNullable<ConfigInput['smtpd']>, 'listeners'> };
  deps?: Partial<SmtpdDeps>;
  /** Pretend clients come from this address (not loopback), as a front end would report. */
  clientIp?: string;
  policy?: MemoryPolicy;
  withTls?: boolean;
}

export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const listeners = options.listeners ?? [{ mode: 'mx', tls: 'starttls' }];
  const withTls = options.withTls ?? listeners.some((l) => l.tls !== 'none');
  const ports = await Promise.all(listeners.map(() => freePort()));
  const { smtpd: smtpdSection, ...rest } = options.config ?? {};
  const config = parseConfig({
    hostname: 'mx.test',
    mynetworks: [],
    ...rest,
    smtpd: { ...smtpdSection, listeners: listeners.map((l, i) => ({ host: '127.0.0.1', port: ports[i], ...l })) },
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const log = createLogger('smtpd', { level: 'debug' }, sink);
  const policy = options.policy ?? new MemoryPolicy({ domains: [LOCAL_DOMAIN], users: Object.keys(USERS), aliases: { 'postmaster@local.test': 'alice@local.test', 'info@local.test': 'alice@local.test', 'postmaster@mx.test': 'alice@local.test' } });
  const memorySink = new MemorySink();
  const sasl = new FakeSasl(USERS);
  const gate = new FakeGate();
  let seq = 0;
  const deps: SmtpdDeps = {
    sink: memorySink,
    recipients: policy,
    sasl,
    loginGate: gate,
    tls: withTls ? await testTls() : undefined,
    resolver: fixedResolver('client.example'),
    newQueueId: () => `Q${++seq}`,
    now: () => new Date(),
    ...(options.clientIp ? { peer: (s) => ({ ip: options.clientIp!, port: s.remotePort ?? 0 }) } : {}),
    ...options.deps,
  };
  const smtpd = await start(config, log, deps);
  const portOf = (mode?: Mode): number => {
    const l = smtpd.listeners().find((b) => mode === undefined || b.mode === mode);
    if (!l) throw new Error(`no ${mode} listener`);
    return l.port;
  };
  const connect = (mode?: Mode): Promise<SmtpClient> => {
    const l = smtpd.listeners().find((b) => mode === undefined || b.mode === mode)!;
    return SmtpClient.connect(portOf(mode), { tls: l.tls === 'implicit' });
  };
  const clients: SmtpClient[] = [];
  return {
    smtpd,
    sink: memorySink,
    policy,
    sasl,
    gate,
    logs,
    port: portOf,
    async connect(mode) {
      const c = await connect(mode);
      clients.push(c);
      return c;
    },
    async open(mode, ehlo = 'client.test') {
      const c = await connect(mode);
      clients.push(c);
      const greeting = await c.reply();
      if (greeting.code !== 220) throw new Error(`greeting: ${greeting.raw}`);
      if (ehlo !== false) {
        const r = await c.ehlo(ehlo);
        if (r.code !== 250) throw new Error(`EHLO: ${r.raw}`);
      }
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await smtpd.stop();
    },
  };
}

/** PLAIN initial response for user/password. */
export function plain(user: string, pass: string): string {
  return Buffer.from(`\0${user}\0${pass}`).toString('base64');
}
