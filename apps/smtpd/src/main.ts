// smtpd: start(config, log, deps) opens the listeners (mx, submission, submissions; plaintext, STARTTLS or
// implicit TLS), enforces connection limits, and runs one session per connection. Collaborators not passed in
// are built by wiring.ts; tests pass in-memory ones.
import { createServer, type Server, type Socket } from 'node:net';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { ConnectionLimiter, clientKey, isLoopback, NetworkList, normalizeIp } from '@mail/net';
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

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function start(config: Config, log: Logger, given: Partial<SmtpdDeps> = {}): Promise<Smtpd> {
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

  const onConnection = (index: number, listener: Config['smtpd']['listeners'][number], settings: SessionSettings) => (raw: Socket) => {
    raw.on('error', () => undefined); // errors are handled by the session; never crash the daemon
    raw.setNoDelay(true);
    const peer = deps.peer?.(raw) ?? { ip: normalizeIp(raw.remoteAddress ?? ''), port: raw.remotePort ?? 0 };
    const trusted = mynetworks.contains(peer.ip);
    // Clients in mynetworks are exempt from the per-client limit (Postfix smtpd_client_connection_limit_exceptions).
    const slot = limiter.acquire(index, clientKey(peer.ip) ?? peer.ip, trusted);
    const clog = log.child({ conn: (++nextId).toString(36), ip: peer.ip, listener: listener.mode });
    if ('refused' in slot) {
      clog.warn({ limit: slot.refused }, 'connection refused: too many connections');
      if (listener.tls === 'implicit') raw.destroy();
      else raw.end(formatReply(reply(Reply.ServiceNotAvailable, Enhanced.TempSecurityOther, `${config.hostname} Error: too many connections${slot.refused === 'client' ? ` from ${peer.ip}` : ''}`)));
      return;
    }
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
  };

  try {
    for (const [index, listener] of config.smtpd.listeners.entries()) {
      const settings = settingsFor(config, listener, mynetworks);
      // Half-open: a client may send its last commands and shut down its side; the replies still go out.
      const server = createServer({ allowHalfOpen: true }, onConnection(index, listener, settings));
      server.on('error', (err) => log.error({ err, port: listener.port }, 'listener error'));
      await listen(server, listener.host, listener.port);
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
