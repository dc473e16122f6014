// What the side-by-side benches share: the accounts directory (users, domains), the config file of one of our
// daemons over a Maildir location, starting that daemon from its built program (optionally with a CPU profile),
// stopping it, waiting for its greeting, its CPU time, and medians.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

export const PASSWORD = 'bench-password';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Writes `<dir>/etc` (the users, all with PASSWORD, in the {PLAIN} scheme, and the domain example.test). */
export async function writeAccounts(dir: string, users: readonly string[]): Promise<string> {
  const etc = join(dir, 'etc');
  await mkdir(etc, { recursive: true });
  await writeFile(join(etc, 'users'), users.map((u) => `${u}:{PLAIN}${PASSWORD}::::::\n`).join(''));
  await writeFile(join(etc, 'domains'), 'example.test\n');
  return etc;
}

/** Writes `<dir>/mail.yaml` for one daemon: Redis, paths (accounts from writeAccounts), `lines` added (listeners, limits). */
export async function writeConfig(dir: string, redisUrl: string, location: string, lines: readonly string[]): Promise<string> {
  const etc = join(dir, 'etc');
  const config = join(dir, 'mail.yaml');
  await writeFile(
    config,
    [
      'hostname: localhost',
      `redis: { url: "${redisUrl}" }`,
      'paths:',
      `  data: ${dir}/data`,
      `  mailboxes: ${location}`,
      `  users: ${etc}/users`,
      `  domains: ${etc}/domains`,
      `  aliases: ${etc}/aliases`,
      `  virtual: ${etc}/virtual`,
      'log: { level: warn }',
      ...lines,
      '',
    ].join('\n'),
  );
  return config;
}

const built = new Set<string>();

/** Builds apps/<app> and what it depends on (turbo: nothing to do when dist/ is up to date), once per run. */
function ensureBuilt(app: string): void {
  if (built.has(app)) return;
  execFileSync(join(REPO, 'node_modules/.bin/turbo'), ['run', 'build', `--filter=@mail/${app}...`, '--output-logs=errors-only'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  built.add(app);
}

/**
 * Starts apps/<app> with `config` from its built program (dist/bin.js, built first if needed), as deployed: the
 * sources run through tsx carry its per-closure naming wrappers. A CPU profile goes to `profileDir` when given.
 */
export function spawnDaemon(app: 'imapd' | 'pop3d' | 'smtpd' | 'mda', config: string, profileDir?: string): ChildProcess {
  ensureBuilt(app);
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
  return spawn(process.execPath, [...profile, join(REPO, `apps/${app}/dist/bin.js`), '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** SIGTERM to each child, then waits for all to exit. */
export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
}

/** Retries `greet` (connect and leave) until it succeeds: the daemon answers. */
export async function waitForGreeting(child: ChildProcess, name: string, greet: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited`);
    try {
      await greet();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} did not answer`);
}

export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user and system) a process has used, with those of its children it has reaped. */
export async function cpuSeconds(pid: number): Promise<number> {
  const t = await cpuTimes(pid);
  return t.user + t.system;
}

/** cpuSeconds split into user and system time. */
export async function cpuTimes(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name: state is field 3; utime, stime, cutime, cstime are fields 14 to 17.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
  return { user: ((f[0] ?? 0) + (f[2] ?? 0)) / CLOCK_TICKS, system: ((f[1] ?? 0) + (f[3] ?? 0)) / CLOCK_TICKS };
}
