// The listeners of pop3d: plaintext with STLS (110) and implicit TLS (995), connection limits in total and per
// client address, one Pop3Session per connection, and an orderly stop.
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '@mail/log';
import { clientKey, ConnectionLimiter, isLoopback, normalizeIp } from '@mail/net';
import type { TlsProvider } from '@mail/tls';
import type { ConnectionInfo } from './context.js';
import type { Pop3Deps } from './ports.js';
import { RespCode } from './protocol/codes.js';
import { formatReply } from './protocol/reply.js';
import { Pop3Session } from './session.js';
import type { Pop3Settings } from './settings.js';

export interface ListenerSpec {
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'implicit';
}

export interface ServerOptions {
  deps: Pop3Deps;
  settings: Pop3Settings;
  log: Logger;
  /** Needed for implicit-TLS listeners (and STLS, through deps.tls). */
  tls?: Pick<TlsProvider, 'createServer'>;
  /** Most connections one listener holds at once. */
  maxConnections: number;
  /** Most connections from one client address (an IPv6 client: its /64), over every listener. */
  maxPerIp: number;
  /** Which client addresses count as this machine (plaintext logins allowed); default 127.0.0.0/8 and ::1. */
  isLoopback?: (ip: string) => boolean;
}

/** The client address with IPv4-mapped IPv6 written as IPv4. */
export function clientAddress(socket: Socket): string {
  return normalizeIp(socket.remoteAddress ?? '');
}

/**
 * What the per-address limit counts a client by: an IPv4 address, or the /64 of an IPv6 one (as smtpd, imapd and the
 * login throttle do), since one IPv6 client usually holds a whole /64 and could otherwise open connections from as
 * many addresses as it likes.
 */
export function limitKey(ip: string): string {
  return clientKey(ip) ?? ip;
}

interface Listening {
  /** Identifies the listener to the connection limiter. */
  id: number;
  spec: ListenerSpec;
  server: Server;
}

export class Pop3Server {
  private readonly listening: Listening[] = [];
  private readonly limiter: ConnectionLimiter;
  private nextListenerId = 0;
  private readonly sessions = new Set<{ session: Pop3Session; done: Promise<void> }>();
  private readonly sockets = new Set<Socket>();
  private stopped = false;

  constructor(private readonly options: ServerOptions) {
    this.limiter = new ConnectionLimiter(options.maxConnections, options.maxPerIp);
  }

  /** Binds every listener; rejects (after closing those already bound) when one cannot be bound. */
  async listen(specs: readonly ListenerSpec[]): Promise<void> {
    try {
      for (const spec of specs) await this.bind(spec);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** The bound addresses, in the order of the listeners. */
  addresses(): AddressInfo[] {
    return this.listening.map((l) => l.server.address() as AddressInfo);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  private async bind(spec: ListenerSpec): Promise<void> {
    const entry: Listening = { id: this.nextListenerId++, spec, server: undefined as unknown as Server };
    let server: Server;
    if (spec.tls === 'implicit') {
      if (!this.options.tls) throw new Error(`listener ${spec.host}:${spec.port} needs TLS but no certificate is configured`);
      server = this.options.tls.createServer((socket: TLSSocket) => this.start(socket, entry, true), { allowHalfOpen: true, handshakeTimeout: this.options.settings.tlsTimeoutMs });
      server.on('connection', (raw: Socket) => this.admit(raw, entry, false));
      server.on('tlsClientError', (err: Error, socket: TLSSocket) => this.options.log.debug({ err: err.message, ip: clientAddress(socket) }, 'TLS handshake failed'));
    } else {
      server = createNetServer({ allowHalfOpen: true }, (socket) => {
        if (this.admit(socket, entry, true)) this.start(socket, entry, false);
      });
    }
    entry.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: spec.host, port: spec.port, ipv6Only: false }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.options.log.error({ err, port: spec.port }, 'listener error'));
    this.listening.push(entry);
    const addr = server.address() as AddressInfo;
    this.options.log.info({ host: addr.address, port: addr.port, tls: spec.tls }, 'listening');
  }

  /** Counts a new TCP connection; refuses it over the limits (with -ERR where the connection is plaintext). */
  private admit(socket: Socket, entry: Listening, plaintext: boolean): boolean {
    const ip = clientAddress(socket);
    socket.on('error', () => undefined);
    const slot = this.stopped ? { refused: 'stopped' as const } : this.limiter.acquire(entry.id, limitKey(ip));
    if ('refused' in slot) {
      const refuse = { stopped: 'shutting down', listener: 'too many connections', client: 'too many connections from this address' }[slot.refused];
      this.options.log.warn({ ip, reason: refuse, port: entry.spec.port }, 'connection refused');
      if (plaintext) socket.end(formatReply({ kind: 'err', code: RespCode.SysTemp, text: `${refuse[0]?.toUpperCase()}${refuse.slice(1)}; try again later.` }));
      else socket.destroy();
      return false;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      slot.release();
      this.sockets.delete(socket);
    });
    return true;
  }

  private start(socket: Socket, entry: Listening, secure: boolean): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const ip = clientAddress(socket);
    const info: ConnectionInfo = {
      id: randomBytes(6).toString('base64url'),
      remoteIp: ip,
      remotePort: socket.remotePort ?? 0,
      loopback: (this.options.isLoopback ?? isLoopback)(ip),
      secure,
      starttls: entry.spec.tls === 'starttls',
    };
    const session = new Pop3Session(socket, { deps: this.options.deps, settings: this.options.settings, log: this.options.log, info });
    this.options.log.debug({ conn: info.id, ip, port: entry.spec.port, tls: secure }, 'connected');
    const item = { session, done: Promise.resolve() };
    item.done = session.run().finally(() => this.sessions.delete(item));
    this.sessions.add(item);
  }

  /** Stops listening, says goodbye to every client, and waits (at most `graceMs`) for sessions to end. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    const closing = this.listening.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve())));
    this.listening.length = 0;
    for (const { session } of this.sessions) session.shutdown();
    const all = Promise.all([...this.sessions].map((s) => s.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await all;
    await Promise.all(closing);
  }
}
