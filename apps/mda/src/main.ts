// mda: start(config) runs the local delivery agent: deliver jobs from the queue, config.mda.concurrency at a time,
// into Maildir through @mail/maildir (change records over Redis), with reports and forwards through @mail/queue.
import { join } from 'node:path';
import { filesDirectoryFromConfig } from '@mail/auth';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { createRedisNotifier } from '@mail/maildir';
import { closeRedis, createRedis, createWorker, keyPrefix, Producer, QueueAdmin, type RetrySchedule } from '@mail/queue';
import { Redis } from 'ioredis';
import type { MdaContext } from './context.js';
import { createDeliverHandler } from './deliver.js';
import { defaultFilter, type DeliveryFilter } from './filter.js';
import { ProgressStore } from './progress.js';
import { DirectoryQuarantine } from './quarantine.js';
import { MaildirStores } from './stores.js';

export type { DeliveryFilter, FilterAction, FilterInput } from './filter.js';
export { defaultFilter, JUNK } from './filter.js';

export interface StartOptions {
  /** Replaces the default filter (keep; spam to Junk): the place where Sieve plugs in. */
  filter?: DeliveryFilter;
}

/** The retry schedule of deliver jobs: the suite's schedule, long enough to cover the quota grace period. */
export function deliverySchedule(config: Config): RetrySchedule {
  const s = config.queueRunner.retrySchedule;
  return { first: s.first, max: s.max, giveUp: Math.max(s.giveUp, config.mda.quotaGrace + 60_000) };
}

export async function start(config: Config, log: Logger, options: StartOptions = {}): Promise<Daemon> {
  const redis = createRedis(config.redis, { role: 'worker', connectionName: 'mda' });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const notifier = redis instanceof Redis ? createRedisNotifier(redis) : undefined;
  const stores = new MaildirStores(config.paths.mailboxes, notifier);
  const cleanups: Array<() => Promise<void>> = [async () => stores.close(), async () => notifier?.close(), async () => closeRedis(redis)];
  const stop = async (): Promise<void> => {
    for (const fn of cleanups) await fn().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
  };
  try {
    const producer = await Producer.open({ redis: config.redis, connection: redis, logger: log });
    cleanups.unshift(() => producer.close());
    const admin = await QueueAdmin.open({ redis: config.redis, connection: redis });
    cleanups.unshift(() => admin.close());
    const schedule = deliverySchedule(config);
    const prefix = keyPrefix(config.redis);
    const { spamCommand, virusCommand } = config.mda;
    const ctx: MdaContext = {
      hostname: config.hostname,
      directory: filesDirectoryFromConfig(config),
      stores,
      producer,
      admin,
      progress: new ProgressStore(redis, { prefix, retentionMs: schedule.giveUp + 7 * 86_400_000 }),
      filter: options.filter ?? defaultFilter,
      quarantine: new DirectoryQuarantine(join(config.paths.data, 'quarantine')),
      ...(spamCommand || virusCommand ? { checks: { spamCommand, virusCommand, timeoutMs: config.mda.hookTimeout } } : {}),
      settings: {
        maxHops: config.mda.maxHops,
        quotaGrace: config.mda.quotaGrace,
        giveUp: schedule.giveUp,
        ...(config.queueRunner.retrySchedule.delayWarning !== undefined ? { delayWarning: config.queueRunner.retrySchedule.delayWarning } : {}),
      },
      now: () => Date.now(),
      log,
    };
    const worker = createWorker('deliver', createDeliverHandler(ctx), {
      redis: config.redis,
      concurrency: config.mda.concurrency,
      retrySchedule: schedule,
      lockDuration: config.mda.jobLock,
      stalledInterval: Math.max(500, Math.floor(config.mda.jobLock / 2)),
      logger: log,
      connectionName: 'mda',
    });
    cleanups.unshift(() => worker.close());
    await worker.waitUntilReady();
    log.info({ concurrency: config.mda.concurrency, spamCheck: Boolean(spamCommand), virusCheck: Boolean(virusCommand) }, 'delivering');
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
