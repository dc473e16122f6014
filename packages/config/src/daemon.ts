// The entry point every daemon shares: load and validate the configuration, log start and
// shutdown, stop cleanly on SIGINT/SIGTERM. A configuration error stops the daemon before it listens.
import { createLogger, type Logger } from '@mail/log';
import { ConfigError } from './errors.js';
import { loadConfig, resolveConfigFile } from './load.js';
import type { Config } from './schema/index.js';

/** What a daemon's start(config) returns: something that can be stopped. */
export interface Daemon {
  stop(): Promise<void>;
}

export type StartFn = (config: Config, log: Logger) => Promise<Daemon>;

/** Exit status for a bad command line (sysexits EX_USAGE). */
export const EX_USAGE = 64;
/** Exit status for a bad configuration (sysexits EX_CONFIG). */
export const EX_CONFIG = 78;

/** The daemon command line: `[--config FILE]` or `[--config=FILE]`; returns the file or an error text. */
export function parseDaemonArgs(argv: readonly string[]): { file: string | undefined } | { error: string } {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') {
      const value = argv[i + 1];
      if (value === undefined || value === '') return { error: '--config needs a file name' };
      file = value;
      i++;
    } else if (arg.startsWith('--config=')) {
      file = arg.slice('--config='.length);
      if (file === '') return { error: '--config needs a file name' };
    } else {
      return { error: `unknown argument '${arg}'` };
    }
  }
  return { file };
}

/** Runs a daemon as a process: `node dist/bin.js [--config FILE]`. */
export async function runDaemon(name: string, start: StartFn, argv = process.argv.slice(2)): Promise<void> {
  const args = parseDaemonArgs(argv);
  if ('error' in args) {
    process.stderr.write(`${name}: ${args.error}\nusage: ${name} [--config FILE]   (default: $MAIL_CONFIG, else /etc/mail/mail.yaml)\n`);
    process.exit(EX_USAGE);
  }
  const file = resolveConfigFile({ file: args.file });
  let config: Config;
  try {
    config = loadConfig({ file: args.file });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: invalid configuration\n${err.message}\n`);
      process.exit(EX_CONFIG);
    }
    throw err;
  }
  const log = createLogger(name, config.log);
  let daemon: Daemon;
  try {
    daemon = await start(config, log);
  } catch (err) {
    log.fatal({ err }, 'start failed');
    process.exit(1);
  }
  log.info({ config: file ?? '(defaults and environment)' }, 'started');
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    daemon.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
