// imapd: start(config, log, deps?) opens the IMAP listeners (143 with STARTTLS, 993 with implicit TLS), enforces
// connection limits (total, per client address, per account) and runs one session per connection. Collaborators
// not passed in are built by wiring.ts (Maildir, Redis change notifier, account directory, certificates).
import { createServer, type Server, type Socket } from 'node:net';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { ConnectionLimiter, clientKey, isLoopback, forkSelf, isPoolWorker, listenOn, normalizeIp, poolWorkerNumber, serveFromPool, startPool, type Slot } from '@mail/net';
import { Connection, HANDSHAKE_TIMEOUT } from './connection.js';
import { UserSessions, type ImapdDeps, type ImapdSettings } from './context.js';
import { composeBuffer } from './protocol/index.js';
import { Session } from './session.js';

export type { ImapdDeps, ImapdSettings, Accounts, MailboxProvider } from './context.js';

export interface BoundListener {
  tls: 'none' | 'starttls' | 'implicit';
  host: string;
  port: number;
}

export interface Imapd extends Daemon {
  listeners(): BoundListener[];
}

const STOP_GRACE = 5_000;

export function settingsFromConfig(config: Config): ImapdSettings {
  const l = config.limits;
  return {
    hostname: config.hostname,
    allowInsecureAuth: config.imapd.allowInsecureAuth,
    appendLimit: config.imapd.appendLimit ?? l.messageSize,
    badCommands: l.badCommands,
    authFailures: l.authFailures,
    idleTimeoutMs: l.idleTimeout,
    loginTimeoutMs: config.imapd.loginTimeout,
    connectionsPerUser: l.connectionsPerUser,
    framer: { maxLineLength: l.lineLength, maxLiteralSize: l.literalSize },
  };
}

const TOO_MANY = (): Buffer => composeBuffer({ type: 'untagged', status: 'BYE', code: { code: 'UNAVAILABLE' }, text: 'Too many connections' }, { utf8: false });

/**
 * imapd.processes above 1: this process only accepts connections, enforces the connection limits, and hands each
 * connection to one of that many workers (this program again, started as pool workers), which run the sessions.
 */
async function startPrimary(config: Config, log: Logger): Promise<Imapd> {
  const listeners = config.imapd.listeners;
  const pool = await startPool({
    listeners: listeners.map((l) => ({ host: l.host, port: l.port })),
    processes: config.imapd.processes,
    connections: config.limits.connections,
    connectionsPerClient: config.limits.connectionsPerIp,
    refusal: (index) => (listeners[index]?.tls === 'implicit' ? null : TOO_MANY()),
    spawn: forkSelf,
    log,
  });
  const bound = pool.listeners().map((b, i) => ({ tls: listeners[i]!.tls, host: b.host, port: b.port }));
  for (const b of bound) log.info({ host: b.host, port: b.port, tls: b.tls, processes: config.imapd.processes }, 'listening');
  return {
    listeners: () => bound.map((b) => ({ ...b })),
    stop: () => pool.stop(),
  };
}

export async function start(config: Config, log: Logger, given?: ImapdDeps): Promise<Imapd> {
  const worker = !given && isPoolWorker();
  if (!given && !worker && config.imapd.processes > 1) return startPrimary(config, log);
  if (worker) log = log.child({ worker: poolWorkerNumber() });
  let closeWiring: () => Promise<void> = async () => undefined;
  let deps: ImapdDeps;
  if (given) deps = given;
  else {
    const wiring = await (await import('./wiring.js')).wire(config, log);
    deps = wiring.deps;
    closeWiring = wiring.close;
  }
  const settings = settingsFromConfig(config);
  const limiter = new ConnectionLimiter(config.limits.connections, config.limits.connectionsPerIp);
  const users = deps.userSessions ?? new UserSessions(settings.connectionsPerUser);
  const servers: Server[] = [];
  const bound: BoundListener[] = [];
  const open = new Set<{ conn?: Connection; socket: Socket; done: Promise<void> }>();
  let nextId = 0;

  /** Runs the session of an accepted connection (its slot taken); settles when it has ended. */
  const serve = (mode: BoundListener['tls'], raw: Socket, slot: Slot): Promise<void> => {
    raw.on('error', () => undefined);
    raw.setNoDelay(true);
    const ip = normalizeIp(raw.remoteAddress ?? '');
    const clog = log.child({ conn: (++nextId).toString(36), ip });
    const entry: { conn?: Connection; socket: Socket; done: Promise<void> } = { socket: raw, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        let socket: Socket = raw;
        if (mode === 'implicit') {
          if (!deps.tls) throw new Error('no TLS');
          socket = await deps.tls.upgrade(raw, { timeout: HANDSHAKE_TIMEOUT });
        }
        clog.info({ tls: mode === 'implicit' }, 'connect');
        const conn = new Connection(socket, settings.framer, settings.idleTimeoutMs);
        entry.conn = conn;
        await new Session({ conn, deps, settings, client: { ip, loopback: (deps.isLoopback ?? isLoopback)(ip) }, log: clog, users }).run();
      } catch (err) {
        clog.info({ err }, 'connection failed');
        raw.destroy();
      } finally {
        slot.release();
        open.delete(entry);
      }
    })();
    open.add(entry);
    return entry.done;
  };

  const onConnection = (index: number, mode: BoundListener['tls']) => (raw: Socket) => {
    const ip = normalizeIp(raw.remoteAddress ?? '');
    const slot = limiter.acquire(index, clientKey(ip) ?? ip);
    if ('refused' in slot) {
      raw.on('error', () => undefined);
      log.warn({ ip, limit: slot.refused }, 'connection refused: too many connections');
      if (mode === 'implicit') raw.destroy();
      else raw.end(TOO_MANY());
      return;
    }
    void serve(mode, raw, slot);
  };

  let stopServing = (): void => undefined;
  try {
    for (const listener of config.imapd.listeners) {
      if (listener.tls !== 'none' && !deps.tls) {
        if (listener.tls === 'implicit') throw new Error(`imapd listener ${listener.host}:${listener.port} uses implicit TLS but no certificate is configured`);
        log.warn({ port: listener.port }, 'no certificate: STARTTLS is not offered');
      }
    }
    if (worker) {
      // The primary took the connection's slot; it learns that the session ended when serve() settles.
      const none: Slot = { release: () => undefined };
      stopServing = serveFromPool((index, socket) => serve(config.imapd.listeners[index]?.tls ?? 'none', socket, none));
      for (const l of config.imapd.listeners) bound.push({ tls: l.tls, host: l.host, port: l.port });
    }
    for (const [index, listener] of worker ? [] : config.imapd.listeners.entries()) {
      const server = createServer(onConnection(index, listener.tls));
      server.on('error', (err) => log.error({ err, port: listener.port }, 'listener error'));
      await listenOn(server, listener.host, listener.port);
      servers.push(server);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : listener.port;
      bound.push({ tls: listener.tls, host: listener.host, port });
      log.info({ host: listener.host, port, tls: listener.tls }, 'listening');
    }
  } catch (err) {
    for (const s of servers) s.close();
    await closeWiring();
    throw err;
  }

  return {
    listeners: () => bound.map((b) => ({ ...b })),
    async stop() {
      stopServing();
      const closed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const entry of open) entry.conn?.shutdown();
      const all = Promise.all([...open].map((e) => e.done));
      await Promise.race([all, new Promise<void>((r) => setTimeout(r, STOP_GRACE).unref())]);
      for (const entry of open) entry.socket.destroy();
      await all;
      await closed;
      await closeWiring();
    },
  };
}
