// smtpd: start(config, log, deps) opens the listeners (mx, submission, submissions; plaintext, STARTTLS or
// implicit TLS), enforces connection limits, and runs one session per connection. Collaborators not passed in
// are built by wiring.ts; tests pass in-memory ones.
import { createServer, type Server, type Socket } from 'node:net';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { ConnectionLimiter, clientKey, isLoopback, forkSelf, isPoolWorker, listenOn, NetworkList, normalizeIp, poolWorkerNumber, serveFromPool, startPool, type Refusal, type Slot } from '@mail/net';
import { HANDSHAKE_TIMEOUT, tlsInfo, type Connection } from './connection.js';
import type { SessionDeps, SessionSettings } from './context.js';
import type { ListenerMode, TlsInfo } from './ports.js';
import { Enhanced, Reply } from './protocol/codes.js';
import { formatReply, reply } from './protocol/reply.js';
import { runSession } from './session.js';

export type { Envelope, EnvelopeRecipient, ListenerMode, LoginGate, MessageSink, RecipientPolicy, ReverseResolver, SaslProvider, TlsProvider } from './ports.js';
export type { SessionDeps } from './context.js';
export { QueueSink, type QueueSinkOptions } from './queue/sink.js';
export { throttleGate, type ThrottleGateOptions } from './queue/gate.js';
export { jobsFor } from './queue/jobs.js';

export interface SmtpdDeps extends SessionDeps {
  /** The client's address for a socket (default: its remote address); a PROXY-protocol front end would differ. */
  peer?: (socket: Socket) => { ip: string; port: number };
}

export interface BoundListener {
  mode: ListenerMode;
  tls: 'none' | 'starttls' | 'implicit';
  host: string;
  port: number;
}

export interface Smtpd extends Daemon {
  listeners(): BoundListener[];
}

/** How long stop() lets sessions finish the command they are running before cutting them off. */
const STOP_GRACE = 10_000;

function settingsFor(config: Config, listener: Config['smtpd']['listeners'][number], mynetworks: NetworkList): SessionSettings {
  const s = config.smtpd;
  return {
    hostname: config.hostname,
    banner: s.banner,
    mode: listener.mode,
    starttls: listener.tls === 'starttls',
    messageSize: config.limits.messageSize,
    recipients: config.limits.recipients,
    authFailures: config.limits.authFailures,
    maxErrors: s.maxErrors,
    commandTimeout: config.limits.commandTimeout,
    greetDelay: s.greetDelay,
    vrfy: s.vrfy,
    expn: s.expn,
    allowInsecureAuth: s.allowInsecureAuth || !s.requireTlsForAuth,
    mynetworks,
  };
}

/** The 421 a client over a connection limit gets (nothing on implicit TLS: it expects a handshake). */
function tooMany(config: Config, refused: Refusal, ip: string): string {
  return formatReply(reply(Reply.ServiceNotAvailable, Enhanced.TempSecurityOther, `${config.hostname} Error: too many connections${refused === 'client' ? ` from ${ip}` : ''}`));
}

/**
 * smtpd.processes above 1: this process only accepts connections, enforces the connection limits (mynetworks
 * exempt from the per-client one) and hands each connection to one of that many workers (this program again,
 * started as pool workers), which run the sessions.
 */
async function startPrimary(config: Config, log: Logger): Promise<Smtpd> {
  const listeners = config.smtpd.listeners;
  const mynetworks = new NetworkList(config.mynetworks);
  const pool = await startPool({
    listeners: listeners.map((l) => ({ host: l.host, port: l.port })),
    processes: config.smtpd.processes,
    connections: config.limits.connections,
    connectionsPerClient: config.limits.connectionsPerIp,
    exempt: (ip) => mynetworks.contains(ip),
    refusal: (index, reason, ip) => (listeners[index]?.tls === 'implicit' ? null : Buffer.from(tooMany(config, reason, ip))),
    spawn: forkSelf,
    log,
  });
  const bound = pool.listeners().map((b, i) => ({ mode: listeners[i]!.mode, tls: listeners[i]!.tls, host: b.host, port: b.port }));
  for (const b of bound) log.info({ host: b.host, port: b.port, mode: b.mode, tls: b.tls, processes: config.smtpd.processes }, 'listening');
  return {
    listeners: () => bound.map((b) => ({ ...b })),
    stop: () => pool.stop(),
  };
}

export async function start(config: Config, log: Logger, given: Partial<SmtpdDeps> = {}): Promise<Smtpd> {
  const standalone = Object.keys(given).length === 0;
  const worker = standalone && isPoolWorker();
  if (standalone && !worker && config.smtpd.processes > 1) return startPrimary(config, log);
  if (worker) log = log.child({ worker: poolWorkerNumber() });
  const mynetworks = new NetworkList(config.mynetworks);
  const complete = given.sink && given.recipients && given.resolver && given.newQueueId && given.now;
  const wired = complete ? undefined : await (await import('./wiring.js')).defaultDeps(config, log, given);
  const deps: SmtpdDeps = wired ? { ...wired.deps, peer: given.peer } : ({ ...given } as SmtpdDeps);
  for (const l of config.smtpd.listeners) {
    if (l.tls !== 'none' && !deps.tls) {
      if (l.tls === 'implicit') throw new Error(`smtpd listener ${l.host}:${l.port} uses implicit TLS but no certificate is configured (tls.cert/tls.key or tls.selfSigned)`);
    }
  }
  const limiter = new ConnectionLimiter(config.limits.connections, config.limits.connectionsPerIp);
  const servers: Server[] = [];
  const bound: BoundListener[] = [];
  const open = new Set<{ conn?: Connection; socket: Socket; done: Promise<void> }>();
  let nextId = 0;

  const peerOf = (raw: Socket) => deps.peer?.(raw) ?? { ip: normalizeIp(raw.remoteAddress ?? ''), port: raw.remotePort ?? 0 };

  const onConnection = (index: number, listener: Config['smtpd']['listeners'][number], settings: SessionSettings) => (raw: Socket) => {
    raw.on('error', () => undefined); // errors are handled by the session; never crash the daemon
    const peer = peerOf(raw);
    // Clients in mynetworks are exempt from the per-client limit (Postfix smtpd_client_connection_limit_exceptions).
    const slot = limiter.acquire(index, clientKey(peer.ip) ?? peer.ip, mynetworks.contains(peer.ip));
    if ('refused' in slot) {
      log.warn({ ip: peer.ip, listener: listener.mode, limit: slot.refused }, 'connection refused: too many connections');
      if (listener.tls === 'implicit') raw.destroy();
      else raw.end(tooMany(config, slot.refused, peer.ip));
      return;
    }
    void serve(listener, settings, raw, peer, slot);
  };

  /** Runs the session of an accepted connection (its slot taken); settles when it has ended. */
  const serve = (listener: Config['smtpd']['listeners'][number], settings: SessionSettings, raw: Socket, peer: { ip: string; port: number }, slot: Slot): Promise<void> => {
    raw.on('error', () => undefined);
    raw.setNoDelay(true);
    const trusted = mynetworks.contains(peer.ip);
    const clog = log.child({ conn: (++nextId).toString(36), ip: peer.ip, listener: listener.mode });
    clog.info({ port: peer.port }, 'connect');
    const entry: { conn?: Connection; socket: Socket; done: Promise<void> } = { socket: raw, done: Promise.resolve() };
    entry.done = (async () => {
      let socket: Socket = raw;
      let tls: TlsInfo | undefined;
      const rdns = deps.resolver.lookup(peer.ip).catch(() => undefined);
      try {
        if (listener.tls === 'implicit') {
          const secure = await deps.tls!.upgrade(raw, { timeout: Math.min(settings.commandTimeout, HANDSHAKE_TIMEOUT) });
          socket = secure;
          tls = tlsInfo(secure);
        }
        await runSession(socket, {
          settings,
          deps,
          client: { ip: peer.ip, port: peer.port, loopback: isLoopback(peer.ip), trusted, rdns },
          log: clog,
          tls,
          onConnection: (conn) => (entry.conn = conn),
        });
      } catch (err) {
        clog.info({ err }, 'TLS handshake failed');
        raw.destroy();
      } finally {
        slot.release();
        open.delete(entry);
      }
    })();
    open.add(entry);
    return entry.done;
  };

  let stopServing = (): void => undefined;
  try {
    if (worker) {
      // The primary took the connection's slot; it learns that the session ended when serve() settles.
      const none: Slot = { release: () => undefined };
      const settings = config.smtpd.listeners.map((l) => settingsFor(config, l, mynetworks));
      stopServing = serveFromPool((index, socket) => serve(config.smtpd.listeners[index]!, settings[index]!, socket, peerOf(socket), none), { allowHalfOpen: true });
      for (const l of config.smtpd.listeners) bound.push({ mode: l.mode, tls: l.tls, host: l.host, port: l.port });
    }
    for (const [index, listener] of worker ? [] : config.smtpd.listeners.entries()) {
      const settings = settingsFor(config, listener, mynetworks);
      // Half-open: a client may send its last commands and shut down its side; the replies still go out.
      const server = createServer({ allowHalfOpen: true }, onConnection(index, listener, settings));
      server.on('error', (err) => log.error({ err, port: listener.port }, 'listener error'));
      await listenOn(server, listener.host, listener.port);
      servers.push(server);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : listener.port;
      bound.push({ mode: listener.mode, tls: listener.tls, host: listener.host, port });
      log.info({ host: listener.host, port, mode: listener.mode, tls: listener.tls }, 'listening');
    }
  } catch (err) {
    for (const s of servers) s.close();
    await wired?.close();
    throw err;
  }

  return {
    listeners: () => bound.map((b) => ({ ...b })),
    async stop() {
      stopServing();
      // Stop accepting; close() calls back only once every connection is gone.
      const closed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const entry of open) entry.conn?.shutdown();
      const all = Promise.all([...open].map((e) => e.done));
      const timer = new Promise<void>((r) => setTimeout(r, STOP_GRACE).unref());
      await Promise.race([all, timer]);
      for (const entry of open) entry.socket.destroy();
      await all;
      await closed;
      await wired?.close();
    },
  };
}
