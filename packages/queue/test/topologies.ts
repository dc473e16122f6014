// Test support: a Redis Sentinel watching a private master, and a three-node Redis Cluster, on loopback.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnRedis, type SpawnedRedis } from '@mail/testing';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const bin = process.env.MAIL_TEST_REDIS_SERVER ?? 'redis-server';

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function info(port: number, command: string[]): Promise<string> {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return String(await c.call(command[0]!, ...command.slice(1)));
  } finally {
    c.disconnect();
  }
}

function stopAll(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(
    children.map((p) => {
      if (p.exitCode !== null || p.signalCode !== null) return undefined;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      return exited;
    }),
  );
}

export interface SentinelSetup {
  master: SpawnedRedis;
  sentinelPort: number;
  stop(): Promise<void>;
}

/** A master (spawnRedis) and one sentinel monitoring it as "mymaster". */
export async function spawnSentinel(): Promise<SentinelSetup> {
  const master = await spawnRedis();
  const dir = await mkdtemp(join(tmpdir(), 'mail-sentinel-'));
  const sentinelPort = await freePort();
  const conf = join(dir, 'sentinel.conf');
  await writeFile(conf, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`, ''].join('\n'));
  const child = spawn(bin, [conf, '--sentinel'], { stdio: 'ignore' });
  child.on('error', () => undefined);
  const stop = async (): Promise<void> => {
    await stopAll([child]);
    await master.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await info(sentinelPort, ['SENTINEL', 'get-master-addr-by-name', 'mymaster'])).includes(String(master.port)), 'sentinel');
  } catch (err) {
    await stop();
    throw err;
  }
  return { master, sentinelPort, stop };
}

export interface ClusterSetup {
  ports: number[];
  stop(): Promise<void>;
}

/** Three masters (no replicas) forming a Redis Cluster with every slot assigned. */
export async function spawnCluster(): Promise<ClusterSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children = ports.map((port) =>
    spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
  );
  for (const c of children) c.on('error', () => undefined);
  const stop = async (): Promise<void> => {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(async () => (await info(port, ['PING'])) === 'PONG', `cluster node ${port}`);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await waitFor(async () => (await info(port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'), `cluster state on ${port}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, stop };
}
