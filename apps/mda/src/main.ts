// mda: start(config) runs the local delivery agent: deliver jobs from the queue, config.mda.concurrency at a time,
// into Maildir through @mail/maildir (change records over Redis), with reports and forwards through @mail/queue.
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { createWorker } from '@mail/queue';
import { createDeliverHandler } from './deliver.js';
import { wire, type WireOptions } from './wiring.js';

export type { DeliveryFilter, FilterAction, FilterInput } from './filter.js';
export { defaultFilter, JUNK } from './filter.js';
export { deliverySchedule } from './wiring.js';

export type StartOptions = WireOptions;

export async function start(config: Config, log: Logger, options: StartOptions = {}): Promise<Daemon> {
  const wiring = await wire(config, log, options);
  try {
    const worker = createWorker('deliver', createDeliverHandler(wiring.ctx), {
      redis: config.redis,
      concurrency: config.mda.concurrency,
      retrySchedule: wiring.schedule,
      lockDuration: config.mda.jobLock,
      stalledInterval: Math.max(500, Math.floor(config.mda.jobLock / 2)),
      logger: log,
      connectionName: 'mda',
    });
    try {
      await worker.waitUntilReady();
    } catch (err) {
      await worker.close(true);
      throw err;
    }
    const { spamCommand, virusCommand } = config.mda;
    log.info({ concurrency: config.mda.concurrency, spamCheck: Boolean(spamCommand), virusCheck: Boolean(virusCommand) }, 'delivering');
    return {
      async stop() {
        await worker.close();
        await wiring.close();
      },
    };
  } catch (err) {
    await wiring.close();
    throw err;
  }
}
