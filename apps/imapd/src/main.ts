// imapd: start(config) wires listeners and backends; returns a handle that stops them.
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';

export async function start(_config: Config, log: Logger): Promise<Daemon> {
  log.info('skeleton: no service yet');
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return {
    async stop() {
      clearInterval(keepAlive);
    },
  };
}
