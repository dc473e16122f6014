// The process pool with real worker processes: connections are spread over the workers, the limits hold over all
// of them, a worker that dies is started again, and stop() ends every worker.
import { fork, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { processAlive } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { POOL_WORKER_ENV, startPool, type Pool, type PoolLog } from '../src/pool.js';

const WORKER = fileURLToPath(new URL('./fixtures/pool-worker.ts', import.meta.url));
const quiet: PoolLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Client {
  socket: Socket;
  /** Resolves with the next line the server sends. */
  line(): Promise<string>;
  closed: Promise<void>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    const waiting: Array<(line: string) => void> = [];
    const lines: string[] = [];
    socket.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const w = waiting.shift();
        if (w) w(line);
        else lines.push(line);
      }
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        line: () => new Promise<string>((r) => (lines.length > 0 ? r(lines.shift()!) : waiting.push(r))),
      }),
    );
  });
}

describe('startPool', () => {
  let pool: Pool | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await pool?.stop();
    pool = undefined;
  });

  const start = (processes: number, perClient = 100, connections = 100) =>
    startPool({
      listeners: [{ host: '127.0.0.1', port: 0 }],
      processes,
      connections,
      connectionsPerClient: perClient,
      refusal: (_listener, reason) => Buffer.from(`refused ${reason}\n`),
      spawn: (n) => fork(WORKER, [String(n)], { execArgv: ['--import', 'tsx'], env: { ...process.env, [POOL_WORKER_ENV]: '1' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
      log: quiet,
      restartDelayMs: 50,
    });

  it('spreads connections over the workers and passes every byte through', async () => {
    pool = await start(2);
    const port = pool.listeners()[0]!.port;
    const greetings = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const c = await client(port);
      clients.push(c);
      const [, n, , listener] = (await c.line()).split(' ');
      expect(listener).toBe('0');
      greetings.add(n!);
      c.socket.write(`ping ${i}\n`);
      expect(await c.line()).toBe(`echo ping ${i}`);
    }
    expect(greetings).toEqual(new Set(['0', '1']));
    expect(pool.sessions()).toEqual([2, 2]);
    // A session that ends gives its slot back.
    clients[0]!.socket.end();
    await clients[0]!.closed;
    await expect.poll(() => pool!.sessions().reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('holds the per-client and per-listener limits over all workers', async () => {
    /** Fills `limit` sessions (each greeted by a worker) and returns the first line of one connection more. */
    const overLimit = async (port: number, limit: number): Promise<Client> => {
      for (let i = 0; i < limit; i++) {
        const c = await client(port);
        clients.push(c);
        expect(await c.line()).toMatch(/^hello/);
      }
      const extra = await client(port);
      clients.push(extra);
      return extra;
    };
    pool = await start(2, 3, 100);
    const fourth = await overLimit(pool.listeners()[0]!.port, 3);
    expect(await fourth.line()).toBe('refused client');
    await fourth.closed;
    await pool.stop();
    pool = await start(2, 100, 2);
    const third = await overLimit(pool.listeners()[0]!.port, 2);
    expect(await third.line()).toBe('refused listener');
  });

  it('starts a worker that died again and frees its sessions', async () => {
    pool = await start(1, 2);
    const port = pool.listeners()[0]!.port;
    const a = await client(port);
    clients.push(a);
    const firstPid = (await a.line()).split(' ')[2];
    const b = await client(port);
    clients.push(b);
    await b.line();
    a.socket.write('crash\n');
    await a.closed;
    await b.closed;
    // Its two sessions no longer count against the client's limit of two, and a new worker serves.
    await expect
      .poll(async () => {
        const c = await client(port);
        clients.push(c);
        return c.line();
      }, { timeout: 10_000, interval: 200 })
      .toMatch(/^hello 0 \d+ 0$/);
    const again = await client(port);
    clients.push(again);
    expect((await again.line()).split(' ')[2]).not.toBe(firstPid);
  });

  it('fails to start when a worker exits before it is ready', async () => {
    await expect(
      startPool({
        listeners: [{ host: '127.0.0.1', port: 0 }],
        processes: 1,
        connections: 10,
        connectionsPerClient: 10,
        refusal: () => null,
        spawn: () => fork(WORKER, ['x'], { execArgv: ['-e', 'process.exit(2)'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
        log: quiet,
      }),
    ).rejects.toThrow(/exited during start/);
  });
});

describe('serveFromPool', () => {
  it('stops the worker when its primary is gone', async () => {
    // A primary in its own process, killed with SIGKILL: its worker must not stay behind.
    const script = `
      import { fork } from 'node:child_process';
      import { startPool, POOL_WORKER_ENV } from ${JSON.stringify(new URL('../src/pool.ts', import.meta.url).pathname)};
      const pool = await startPool({ listeners: [{ host: '127.0.0.1', port: 0 }], processes: 1, connections: 10, connectionsPerClient: 10,
        refusal: () => null, log: { info() {}, warn() {}, error() {} },
        spawn: (n) => fork(${JSON.stringify(WORKER)}, [String(n)], { execArgv: ['--import', 'tsx'], env: { ...process.env, [POOL_WORKER_ENV]: '1' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }) });
      const { connect } = await import('node:net');
      const s = connect(pool.listeners()[0].port, '127.0.0.1');
      s.once('data', (d) => process.stdout.write(String(d).split(' ')[2] + '\\n'));
    `;
    const primary = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const workerPid = await new Promise<number>((resolve) => primary.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    expect(processAlive(workerPid)).toBe(true);
    primary.kill('SIGKILL');
    await expect.poll(() => processAlive(workerPid), { timeout: 10_000 }).toBe(false);
  });
});
