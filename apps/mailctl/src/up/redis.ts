// Redis for `mailctl up`: use the configured server when it answers, otherwise start a private
// redis-server (AOF on) on the configured loopback address and stop it when the suite stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';

/** True when something answers PING at host:port within the timeout. */
export async function redisAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => done(d.toString('latin1').startsWith('+PONG') || d.toString('latin1').startsWith('-NOAUTH')));
  });
}

export interface StartedRedis {
  child: ChildProcess;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Starts redis-server for the suite; refuses for non-loopback addresses (that server is someone else's to run). */
export async function startRedis(url: string, dataDir: string, bin: string, onLine: (line: string) => void): Promise<StartedRedis> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 6379);
  if (!LOOPBACK.has(host)) throw new Error(`Redis at ${url} does not answer, and it is not on loopback: start it yourself`);
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const args = ['--bind', host === 'localhost' ? '127.0.0.1' : host, '--port', String(port), '--dir', dir, '--appendonly', 'yes',
    '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', '--daemonize', 'no'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot run ${bin}: ${err.message} (install redis-server)`)));
    child.once('exit', (code) => reject(new Error(`${bin} exited with code ${code}`)));
  });
  for (const s of [child.stdout, child.stderr]) s?.setEncoding('utf8').on('data', (t: string) => t.split('\n').filter(Boolean).forEach(onLine));
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(host, port, 200)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${bin} did not answer on ${host}:${port}`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
