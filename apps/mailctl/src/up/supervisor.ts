// The process supervisor behind `mailctl up`: runs every daemon as a child process with its
// output prefixed, never restarts one silently (a daemon that exits stops the whole suite
// with a message), and on SIGINT/SIGTERM stops the daemons, then Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface Supervisor {
  /** Resolves with the suite's exit code: 0 after a requested stop, 1 when a daemon died. */
  done: Promise<number>;
  stop(reason: string): void;
}

const COLORS = [36, 32, 33, 35, 34, 96];

export function prefixer(name: string, index: number, width: number, color: boolean): (line: string) => string {
  const label = name.padEnd(width);
  return color ? (line) => `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m | ${line}` : (line) => `${label} | ${line}`;
}

export function supervise(specs: ChildSpec[], write: (line: string) => void, options: { color: boolean; graceMs?: number }): Supervisor {
  const width = Math.max(...specs.map((s) => s.name.length));
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let exitCode = 0;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((r) => (resolveDone = r));

  const maybeDone = (): void => {
    if (stopping && [...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) resolveDone(exitCode);
  };

  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    write(`mailctl up: stopping (${reason})`);
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const [name, child] of children) {
        if (child.exitCode === null && child.signalCode === null) {
          write(`mailctl up: ${name} did not stop in time; killing it`);
          child.kill('SIGKILL');
        }
      }
    }, options.graceMs ?? 20_000);
    force.unref();
    maybeDone();
  };

  specs.forEach((spec, i) => {
    const tag = prefixer(spec.name, i, width, options.color);
    const child = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(spec.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => write(tag(line)));
    }
    child.on('error', (err) => {
      write(tag(`cannot start: ${err.message}`));
      exitCode = 1;
      stop(`${spec.name} could not start`);
    });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        write(tag(`exited unexpectedly (${signal ?? `code ${code}`}); not restarting`));
        exitCode = 1;
        stop(`${spec.name} exited`);
      }
      maybeDone();
    });
  });

  return { done, stop };
}
