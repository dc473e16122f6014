// The entry point every daemon shares: load and validate the configuration, log start and
// shutdown, stop cleanly on SIGINT/SIGTERM. A configuration error stops the daemon before it listens.
import { createLogger, type Logger } from '@mail/log';
import { ConfigError, loadConfig } from './load.js';
import type { Config } from './schema/index.js';

/** What a daemon's start(config) returns: something that can be stopped. */
export interface Daemon {
  stop(): Promise<void>;
}

export type StartFn = (config: Config, log: Logger) => Promise<Daemon>;

/** Runs a daemon as a process: `node dist/bin.js [--config FILE]`. */
export async function runDaemon(name: string, start: StartFn, argv = process.argv.slice(2)): Promise<void> {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? argv[i + 1] : undefined;
  let config: Config;
  try {
    config = loadConfig({ file });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: invalid configuration\n${err.message}\n`);
      process.exit(78); // EX_CONFIG
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
  log.info('started');
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
