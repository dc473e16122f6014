// Several processes serving one set of listeners, as Dovecot's and Postfix's services run several processes: the
// primary accepts every connection, so that the connection limits (per listener, per client) hold over all of them,
// and hands the socket to the worker with the fewest sessions; the worker runs the session and tells the primary when
// it ends. Node 20 has no SO_REUSEPORT, and the cluster module's round robin would leave each worker counting its own
// clients. The primary never reads from a socket (pauseOnConnect), so nothing a client sends is lost in the handover.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { clientKey, normalizeIp } from './address.js';
import { ConnectionLimiter, type Refusal, type Slot } from './limiter.js';

/** Set in a worker's environment by the primary (not MAIL_: those variables are configuration). */
export const POOL_WORKER_ENV = 'MAILSUITE_POOL_WORKER';
/** The worker's number (0, 1, ...), beside POOL_WORKER_ENV. */
const POOL_WORKER_NUMBER_ENV = 'MAILSUITE_POOL_WORKER_NUMBER';

export interface PoolListener {
  host: string;
  port: number;
}

export interface PoolLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PoolOptions {
  listeners: readonly PoolListener[];
  /** Worker processes to keep running (at least 1). */
  processes: number;
  /** Sessions per listener, over all workers. */
  connections: number;
  /** Sessions per client key (see clientKey), over all listeners and workers. */
  connectionsPerClient: number;
  /** Clients held to the listener's limit only (Postfix's smtpd_client_connection_limit_exceptions). */
  exempt?: (ip: string) => boolean;
  /** What to send a refused client before closing (null: close at once, as for implicit TLS). */
  refusal: (listener: number, reason: Refusal, ip: string) => Buffer | null;
  /** Starts worker `n`: a child process with an IPC channel (child_process.fork) whose environment has POOL_WORKER_ENV. */
  spawn: (n: number) => ChildProcess;
  log: PoolLog;
  /** How long a worker that exited waits before it is started again (ms). */
  restartDelayMs?: number;
}

export interface BoundPoolListener extends PoolListener {
  /** The port actually bound (differs from `port` when that was 0). */
  port: number;
}

export interface Pool {
  listeners(): BoundPoolListener[];
  /** Sessions open in each worker, in worker order. */
  sessions(): number[];
  /** Stops accepting, asks every worker to stop (SIGTERM: each finishes or ends its sessions) and waits for them. */
  stop(): Promise<void>;
}

/** Messages between the primary and a worker, over the IPC channel. */
type ToWorker = { mailPool: 'connection'; id: number; listener: number };
type ToPrimary = { mailPool: 'ready' } | { mailPool: 'closed'; id: number };

interface Worker {
  n: number;
  child: ChildProcess;
  ready: boolean;
  sessions: Map<number, Slot>;
}

/** server.listen on host:port (IPv4 too on "::"), resolving once it listens and rejecting on an error meanwhile. */
export function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts the workers, waits until each is ready, then opens the listeners. Rejects if a worker exits first. */
export async function startPool(options: PoolOptions): Promise<Pool> {
  const limiter = new ConnectionLimiter(options.connections, options.connectionsPerClient);
  const workers: Worker[] = [];
  const servers: Server[] = [];
  const bound: BoundPoolListener[] = [];
  let stopping = false;
  let nextId = 0;
  let starting = true;
  let failedStart: (err: Error) => void = () => undefined;

  const releaseAll = (w: Worker): void => {
    for (const slot of w.sessions.values()) slot.release();
    w.sessions.clear();
  };

  const launch = (n: number): Worker => {
    const w: Worker = { n, child: options.spawn(n), ready: false, sessions: new Map() };
    w.child.on('message', (msg: ToPrimary) => {
      if (msg?.mailPool === 'ready') w.ready = true;
      else if (msg?.mailPool === 'closed') {
        w.sessions.get(msg.id)?.release();
        w.sessions.delete(msg.id);
      }
    });
    w.child.on('error', (err) => options.log.error({ err, worker: n }, 'worker process error'));
    w.child.once('exit', (code, signal) => {
      w.ready = false;
      releaseAll(w);
      if (stopping) return;
      if (starting) {
        failedStart(new Error(`worker ${n} exited during start (${signal ?? `code ${code}`})`));
        return;
      }
      options.log.error({ worker: n, code, signal }, 'worker exited; starting it again');
      setTimeout(() => {
        if (!stopping) workers[n] = launch(n);
      }, options.restartDelayMs ?? 1000).unref();
    });
    return w;
  };

  /** Refused clients being told so; destroyed at stop() if still there. */
  const refusing = new Set<Socket>();
  const refuse = (socket: Socket, index: number, reason: Refusal, ip: string): void => {
    const text = options.refusal(index, reason, ip);
    if (!text) {
      socket.destroy();
      return;
    }
    refusing.add(socket);
    socket.once('close', () => refusing.delete(socket));
    socket.end(text);
    // Read (and drop) what the client sends, so that its FIN is seen and the socket closes; a client that never
    // closes is cut off after a while.
    socket.resume();
    setTimeout(() => socket.destroy(), 10_000).unref();
  };

  const handOff = (index: number) => (socket: Socket) => {
    socket.on('error', () => undefined);
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const slot = limiter.acquire(index, clientKey(ip) ?? ip, options.exempt?.(ip) ?? false);
    if ('refused' in slot) {
      options.log.warn({ ip, limit: slot.refused }, 'connection refused: too many connections');
      refuse(socket, index, slot.refused, ip);
      return;
    }
    let target: Worker | undefined;
    for (const w of workers) if (w.ready && (!target || w.sessions.size < target.sessions.size)) target = w;
    if (!target) {
      slot.release();
      options.log.warn({ ip }, 'connection refused: no worker running');
      refuse(socket, index, 'listener', ip);
      return;
    }
    const id = ++nextId;
    const w = target;
    w.sessions.set(id, slot);
    const msg: ToWorker = { mailPool: 'connection', id, listener: index };
    w.child.send(msg, socket, { keepOpen: false }, (err) => {
      if (!err) return;
      // The worker is gone: the client is disconnected rather than left waiting.
      w.sessions.get(id)?.release();
      w.sessions.delete(id);
      socket.destroy();
    });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (workers.every((w) => w.ready)) {
          clearInterval(check);
          resolve();
        }
      }, 20);
      failedStart = (err) => {
        clearInterval(check);
        reject(err);
      };
      for (let n = 0; n < Math.max(1, options.processes); n++) workers.push(launch(n));
    });
    starting = false;
    for (const [index, l] of options.listeners.entries()) {
      const server = createServer({ pauseOnConnect: true }, handOff(index));
      server.on('error', (err) => options.log.error({ err, port: l.port }, 'listener error'));
      await listenOn(server, l.host, l.port);
      servers.push(server);
      const addr = server.address();
      bound.push({ host: l.host, port: typeof addr === 'object' && addr ? addr.port : l.port });
    }
  } catch (err) {
    stopping = true;
    for (const s of servers) s.close();
    await stopWorkers(workers);
    throw err;
  }

  return {
    listeners: () => bound.map((b) => ({ ...b })),
    sessions: () => workers.map((w) => w.sessions.size),
    async stop() {
      stopping = true;
      // A server counts the sockets it handed over until the worker holding them closes them: the workers stop
      // first, then the servers finish closing.
      const closed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const socket of refusing) socket.destroy();
      await stopWorkers(workers);
      await closed;
    },
  };
}

async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return undefined;
      const exited = new Promise((r) => w.child.once('exit', r));
      w.child.kill('SIGTERM');
      return exited;
    }),
  );
}

/** Whether this process was started by startPool as a worker. */
export function isPoolWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[POOL_WORKER_ENV] === '1';
}

/** This worker's number, as given to PoolOptions.spawn (0 outside a pool). */
export function poolWorkerNumber(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env[POOL_WORKER_NUMBER_ENV] ?? 0);
}

/**
 * PoolOptions.spawn for a daemon that is its own worker: this program again (same Node options, arguments and
 * environment), marked as pool worker `n`.
 */
export function forkSelf(n: number): ChildProcess {
  return fork(process.argv[1]!, process.argv.slice(2), { env: { ...process.env, [POOL_WORKER_ENV]: '1', [POOL_WORKER_NUMBER_ENV]: String(n) } });
}

/**
 * The worker side: runs `session(listener, socket)` for each connection the primary hands over, and tells the
 * primary when it has ended (the returned promise settled). Call once the worker can serve; it tells the primary it
 * is ready. When the primary goes away, the worker sends itself SIGTERM (the daemon's shutdown). The returned
 * function stops taking connections. `allowHalfOpen`: as the net.Server option of the same name.
 */
export function serveFromPool(session: (listener: number, socket: Socket) => Promise<void>, options: { allowHalfOpen?: boolean } = {}): () => void {
  const send = (msg: ToPrimary): void => {
    if (process.connected) process.send?.(msg);
  };
  const onMessage = (msg: ToWorker, socket?: Socket): void => {
    if (msg?.mailPool !== 'connection') return;
    if (!socket) {
      send({ mailPool: 'closed', id: msg.id });
      return;
    }
    socket.on('error', () => undefined);
    // A socket made from a passed handle is not half-open; a server that answers after the client's FIN wants it.
    if (options.allowHalfOpen) socket.allowHalfOpen = true;
    session(msg.listener, socket)
      .catch(() => undefined)
      .finally(() => send({ mailPool: 'closed', id: msg.id }));
  };
  // A primary that is gone (killed, or stopped without waiting) leaves no orphans: the worker stops as on SIGTERM,
  // ending its sessions.
  const onDisconnect = (): void => {
    process.kill(process.pid, 'SIGTERM');
  };
  process.on('message', onMessage);
  process.once('disconnect', onDisconnect);
  send({ mailPool: 'ready' });
  return () => {
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
  };
}
