// mailctl up [--config FILE] [--json]: runs the whole suite on one machine in the foreground:
// Redis (started here when none answers), then smtpd, mda, queue-runner, pop3d and imapd.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from '@mail/config';
import { ensureSelfSigned } from '@mail/tls';
import { takeFlag, takeOption, type Command, type Io } from '../command.js';
import { redisAnswers, startRedis, type StartedRedis } from '../up/redis.js';
import { supervise } from '../up/supervisor.js';

/** The daemons `up` runs, in start order; each is `node apps/<name>/dist/bin.js --config FILE`. */
export const DAEMONS = ['smtpd', 'mda', 'queue-runner', 'pop3d', 'imapd'] as const;

/** Where the daemons' entry points are: beside mailctl in apps/ (MAIL_APPS_DIR overrides). */
export function daemonEntry(name: string, env: NodeJS.ProcessEnv): string {
  const appsDir = env.MAIL_APPS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  return resolve(appsDir, name, 'dist', 'bin.js');
}

function prepareDirectories(config: Config): void {
  mkdirSync(config.paths.data, { recursive: true, mode: 0o750 });
  for (const file of [config.paths.users, config.paths.domains, config.paths.aliases, config.paths.virtual]) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o750 });
  }
}

async function ensureRedis(config: Config, io: Io, log: (line: string) => void): Promise<StartedRedis | undefined> {
  if (config.redis.sentinel || config.redis.cluster) return undefined;
  const u = new URL(config.redis.url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 6379);
  if (await redisAnswers(host, port)) {
    io.out(`mailctl up: using the Redis at ${host}:${port}`);
    return undefined;
  }
  io.out(`mailctl up: starting redis-server on ${host}:${port}`);
  return startRedis(config.redis.url, config.paths.data, config.mailctl.redisServer, log);
}

export const upCommand: Command = {
  name: 'up',
  usage: 'up [--config FILE] [--json]          run Redis and every daemon in the foreground (Ctrl-C stops all)',
  async run(args, io) {
    const file = takeOption(args, '--config') ?? io.env.MAIL_CONFIG;
    const json = takeFlag(args, '--json');
    let config: Config;
    try {
      config = loadConfig({ file, env: io.env });
    } catch (err) {
      if (err instanceof ConfigError) {
        io.err(err.message);
        return 78;
      }
      throw err;
    }
    const color = Boolean(process.stdout.isTTY);
    prepareDirectories(config);
    if (config.tls.selfSigned && !config.tls.cert) {
      const { certFile } = await ensureSelfSigned(`${config.paths.data}/tls`, config.hostname);
      io.out(`mailctl up: development certificate ${certFile}`);
    }
    let redis: StartedRedis | undefined;
    try {
      redis = await ensureRedis(config, io, (line) => io.out(`redis | ${line}`));
    } catch (err) {
      io.err(`mailctl up: ${(err as Error).message}`);
      return 69;
    }
    const configArgs = file ? ['--config', resolve(file)] : [];
    const env: NodeJS.ProcessEnv = { MAIL_LOG__FORMAT: json ? 'json' : 'pretty' };
    const suite = supervise(
      DAEMONS.map((name) => ({ name, command: process.execPath, args: [daemonEntry(name, io.env), ...configArgs], env })),
      (line) => io.out(line),
      { color },
    );
    const onSignal = (signal: string) => () => suite.stop(signal);
    const sigint = onSignal('SIGINT');
    const sigterm = onSignal('SIGTERM');
    process.on('SIGINT', sigint);
    process.on('SIGTERM', sigterm);
    const code = await suite.done;
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    if (redis) {
      io.out('mailctl up: stopping redis-server');
      await redis.stop();
    }
    io.out('mailctl up: stopped');
    return code;
  },
};
