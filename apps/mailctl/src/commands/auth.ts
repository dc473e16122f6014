// mailctl auth blocks|unblock IP|ADDRESS: the failed-login lockouts and delays recorded in Redis.
import { LoginThrottle, throttleKeyPrefix } from '@mail/auth';
import type { Config } from '@mail/config';
import { Cluster, Redis } from 'ioredis';
import type { Command } from '../command.js';
import { CommandError, configFromArgs, Exit, rejectUnknownOptions, runCommand, table, usageError } from './directory-support.js';

const USAGE = {
  blocks: 'auth blocks',
  unblock: 'auth unblock IP|ADDRESS',
};

/** A short-lived connection for one command: no reconnect loop, a prompt error when Redis is down. */
function connect(config: Config): Redis | Cluster {
  const r = config.redis;
  const common = { username: r.username, password: r.password, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, enableOfflineQueue: false };
  if (r.cluster) return new Cluster(r.cluster.nodes, { redisOptions: common, clusterRetryStrategy: () => null, lazyConnect: true, enableOfflineQueue: false });
  if (r.sentinel) {
    return new Redis({ ...common, sentinels: r.sentinel.sentinels, name: r.sentinel.name, sentinelPassword: r.sentinel.password, retryStrategy: () => null, sentinelRetryStrategy: () => null });
  }
  return new Redis(r.url, { ...common, retryStrategy: () => null });
}

function describeBlock(b: { state: 'locked' | 'delayed'; until?: Date }): string {
  return b.state === 'locked' && b.until ? `locked until ${b.until.toISOString()}` : 'failed logins delayed';
}

export const authCommand: Command = {
  name: 'auth',
  usage: Object.values(USAGE).join('\n  '),
  run(args, io) {
    return runCommand('auth', io, async () => {
      const config = configFromArgs(args, io);
      const sub = args.shift();
      rejectUnknownOptions(args, sub === 'unblock' ? USAGE.unblock : USAGE.blocks);
      if (sub === 'blocks' ? args.length !== 0 : sub === 'unblock' ? args.length !== 1 : true) {
        throw sub === 'blocks' || sub === 'unblock' ? usageError(USAGE[sub]) : new CommandError(Exit.usage, `usage:\n  mailctl ${Object.values(USAGE).join('\n  mailctl ')}`);
      }
      const redis = connect(config);
      redis.on('error', () => undefined);
      try {
        try {
          await redis.connect();
        } catch (err) {
          throw new CommandError(Exit.unavailable, `cannot reach Redis (${(err as Error).message})`);
        }
        const { enabled: _enabled, ...settings } = config.auth.throttle;
        const throttle = new LoginThrottle(redis, { keyPrefix: throttleKeyPrefix(config.redis.prefix), settings });
        if (sub === 'blocks') {
          const blocks = await throttle.blocks();
          if (blocks.length === 0) io.out('no blocks');
          else io.out(table([['KIND', 'SUBJECT', 'FAILURES', 'STATE'], ...blocks.map((b) => [b.kind, b.subject, String(b.failures), describeBlock(b)])]));
          return Exit.ok;
        }
        const removed = await throttle.clear(args[0]!);
        if (removed === 0) throw new CommandError(Exit.noUser, `nothing is recorded for ${args[0]}`);
        io.out(`cleared ${args[0]}`);
        return Exit.ok;
      } finally {
        redis.disconnect();
      }
    });
  },
};
