// The concrete collaborators the mda runs with, built from the configuration: the file directory (@mail/auth),
// Maildir stores publishing change records over Redis (@mail/maildir), the queue producer and administration
// (@mail/queue), the progress store, the content checks and the quarantine.
import { join } from 'node:path';
import { filesDirectoryFromConfig } from '@mail/auth';
import type { Config } from '@mail/config';
import type { Logger } from '@mail/log';
import { createRedisNotifier } from '@mail/maildir';
import { closeRedis, createRedis, keyPrefix, Producer, QueueAdmin, type RedisClient, type RetrySchedule } from '@mail/queue';
import { Redis } from 'ioredis';
import { NetworkList } from '@mail/net';
import { checkResolver } from './authres.js';
import type { MdaContext } from './context.js';
import { defaultFilter, type DeliveryFilter } from './filter.js';
import { ProgressStore } from './progress.js';
import { DirectoryQuarantine } from './quarantine.js';
import { MaildirStores } from './stores.js';

export interface WireOptions {
  /** Replaces the default filter (keep; spam to Junk): the place where Sieve plugs in. */
  filter?: DeliveryFilter;
}

export interface Wiring {
  ctx: MdaContext;
  redis: RedisClient;
  schedule: RetrySchedule;
  close(): Promise<void>;
}

/** The retry schedule of deliver jobs: the suite's schedule, long enough to cover the quota grace period. */
export function deliverySchedule(config: Config): RetrySchedule {
  const s = config.queueRunner.retrySchedule;
  return { first: s.first, max: s.max, giveUp: Math.max(s.giveUp, config.mda.quotaGrace + 60_000) };
}

export async function wire(config: Config, log: Logger, options: WireOptions = {}): Promise<Wiring> {
  const redis = createRedis(config.redis, { role: 'worker', connectionName: 'mda' });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const notifier = redis instanceof Redis ? createRedisNotifier(redis) : undefined;
  const stores = new MaildirStores(config.paths.mailboxes, notifier);
  const cleanups: Array<() => Promise<void>> = [() => stores.close(), async () => notifier?.close(), () => closeRedis(redis)];
  const close = async (): Promise<void> => {
    for (const fn of cleanups.splice(0)) await fn().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
  };
  try {
    const producer = await Producer.open({ redis: config.redis, connection: redis, logger: log });
    cleanups.unshift(() => producer.close());
    const admin = await QueueAdmin.open({ redis: config.redis, connection: redis });
    cleanups.unshift(() => admin.close());
    const schedule = deliverySchedule(config);
    const { spamCommand, virusCommand } = config.mda;
    const delayWarning = config.queueRunner.retrySchedule.delayWarning;
    const directory = filesDirectoryFromConfig(config);
    // The first read of the directory must work: a daemon without its users would bounce every message.
    await directory.findAccount('postmaster@localhost');
    const ctx: MdaContext = {
      hostname: config.hostname,
      directory,
      stores,
      producer,
      admin,
      progress: new ProgressStore(redis, { prefix: keyPrefix(config.redis), retentionMs: schedule.giveUp + 7 * 86_400_000 }),
      filter: options.filter ?? defaultFilter,
      quarantine: new DirectoryQuarantine(join(config.paths.data, 'quarantine')),
      ...(spamCommand || virusCommand ? { checks: { spamCommand, virusCommand, timeoutMs: config.mda.hookTimeout } } : {}),
      ...(config.mda.authenticationResults
        ? { inbound: { hostname: config.hostname, trusted: new NetworkList(config.mynetworks), resolver: checkResolver(config.mda.dnsServers) } }
        : {}),
      settings: {
        maxHops: config.mda.maxHops,
        quotaGrace: config.mda.quotaGrace,
        giveUp: schedule.giveUp,
        ...(delayWarning !== undefined ? { delayWarning } : {}),
      },
      now: () => Date.now(),
      log,
    };
    return { ctx, redis, schedule, close };
  } catch (err) {
    await close();
    throw err;
  }
}
