// Shared helpers of the whole-stack tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A DNS server that is not there (nothing listens on the discard port): every lookup fails at once. */
export const NO_DNS = '127.0.0.1:9';

/** Polls until `check` holds; fails with `describe()` in the message after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms${describe ? `:\n${describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A daemon started from its built program, as an administrator starts it, with its JSON log collected. */
export interface DaemonProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log records it wrote so far. */
  records(): Array<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Writes etc/users (passwords in the {PLAIN} scheme) and etc/domains below `dir`, where suitePaths(dir) looks. */
export async function writeAccountFiles(dir: string, users: Record<string, string>, domains: readonly string[]): Promise<void> {
  const etc = join(dir, 'etc');
  await mkdir(etc, { recursive: true });
  await writeFile(join(etc, 'users'), Object.entries(users).map(([address, password]) => `${address}:{PLAIN}${password}::::::\n`).join(''));
  await writeFile(join(etc, 'domains'), domains.map((d) => `${d}\n`).join(''));
}

/**
 * Writes `config` next to `dir`'s other files and starts apps/<app>/dist/bin.js with it (no MAIL_ variables);
 * resolves once its log says it listens on `listeningOn`.
 */
export async function spawnDaemonProcess(app: string, dir: string, config: object, listeningOn: number): Promise<DaemonProcess> {
  const file = join(dir, `${app}.yaml`);
  await writeFile(file, JSON.stringify(config)); // JSON is YAML
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAIL_')));
  const child = spawn(process.execPath, [join(REPO, `apps/${app}/dist/bin.js`), '--config', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitFor(() => output.includes(`"port":${listeningOn}`) && output.includes('"listening"'), 30_000, () => output);
  return {
    child,
    output: () => output,
    records: () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
  };
}
