// imapd: start(config, log, deps?) opens the IMAP listeners (143 with STARTTLS, 993 with implicit TLS), enforces
// connection limits (total, per client address, per account) and runs one session per connection. Collaborators
// not passed in are built by wiring.ts (Maildir, Redis change notifier, account directory, certificates).
import { createServer, type Server, type Socket } from 'node:net';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { ConnectionLimiter, clientKey, isLoopback, normalizeIp } from '@mail/net';
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

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function start(config: Config, log: Logger, given?: ImapdDeps): Promise<Imapd> {
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

  const onConnection = (index: number, mode: BoundListener['tls']) => (raw: Socket) => {
    raw.on('error', () => undefined);
    raw.setNoDelay(true);
    const ip = normalizeIp(raw.remoteAddress ?? '');
    const slot = limiter.acquire(index, clientKey(ip) ?? ip);
    const clog = log.child({ conn: (++nextId).toString(36), ip });
    if ('refused' in slot) {
      clog.warn({ limit: slot.refused }, 'connection refused: too many connections');
      if (mode === 'implicit') raw.destroy();
      else raw.end(composeBuffer({ type: 'untagged', status: 'BYE', code: { code: 'UNAVAILABLE' }, text: 'Too many connections' }, { utf8: false }));
      return;
    }
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
  };

  try {
    for (const [index, listener] of config.imapd.listeners.entries()) {
      if (listener.tls !== 'none' && !deps.tls) {
        if (listener.tls === 'implicit') throw new Error(`imapd listener ${listener.host}:${listener.port} uses implicit TLS but no certificate is configured`);
        log.warn({ port: listener.port }, 'no certificate: STARTTLS is not offered');
      }
      const server = createServer(onConnection(index, listener.tls));
      server.on('error', (err) => log.error({ err, port: listener.port }, 'listener error'));
      await listen(server, listener.host, listener.port);
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
