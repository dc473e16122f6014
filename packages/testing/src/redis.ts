// A real redis-server for tests: either the one the test command started (MAIL_TEST_REDIS_URL),
// or a private one spawned on a free loopback port with its own data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export interface TestRedis {
  url: string;
  host: string;
  port: number;
  /** A key prefix unique to this test, so tests sharing one server never see each other's keys. */
  prefix: string;
  /** Stops the server if this helper started it; removes this test's keys otherwise. */
  stop(): Promise<void>;
}

export interface SpawnedRedis extends TestRedis {
  dir: string;
  process: ChildProcess;
  /** Kills the server with SIGKILL (no final save), keeping its data directory. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data directory (AOF replay). */
  restart(): Promise<void>;
}

async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch (err) {
      client.disconnect();
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Spawns a private redis-server (AOF on, appendfsync always) on a free port. */
export async function spawnRedis(options: { appendonly?: boolean } = {}): Promise<SpawnedRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-redis-'));
  const port = await freePort();
  const host = '127.0.0.1';
  const url = `redis://${host}:${port}/0`;
  const args = [
    '--port', String(port), '--bind', host, '--dir', dir, '--save', '',
    '--appendonly', options.appendonly === false ? 'no' : 'yes', '--appendfsync', 'always',
    '--daemonize', 'no', '--protected-mode', 'yes', '--logfile', join(dir, 'redis.log'),
  ];
  const bin = process.env.MAIL_TEST_REDIS_SERVER ?? 'redis-server';
  const handle: SpawnedRedis = {
    url, host, port, dir, prefix: `t${randomBytes(4).toString('hex')}`,
    process: undefined as unknown as ChildProcess,
    async kill() {
      const p = handle.process;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await handle.kill();
      await start();
    },
    async stop() {
      await handle.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  const start = async (): Promise<void> => {
    const child = spawn(bin, args, { stdio: 'ignore' });
    child.on('error', () => undefined);
    handle.process = child;
    await waitForPing(url);
  };
  await start();
  return handle;
}

/** The shared test Redis when the test command provides one, else a private server. */
export async function testRedis(): Promise<TestRedis> {
  const shared = process.env.MAIL_TEST_REDIS_URL;
  if (!shared) return spawnRedis();
  const u = new URL(shared);
  const prefix = `t${randomBytes(4).toString('hex')}`;
  return {
    url: shared,
    host: u.hostname,
    port: Number(u.port || 6379),
    prefix,
    async stop() {
      const client = new Redis(shared, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await client.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}
