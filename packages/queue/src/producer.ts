// The producer side (smtpd, mailctl, bounces): spool a message and enqueue its deliver/outbound jobs atomically and idempotently.
import type { Readable } from 'node:stream';
import type { Logger } from '@mail/log';
import { FlowProducer, type FlowJob, type Queue } from 'bullmq';
import { jobOptions, openQueue } from './bull.js';
import { EnqueueError, QueueError } from './errors.js';
import { jobId, parseJob, QUEUE_NAMES, type JobInputs, type JobTypes, type QueueName } from './names.js';
import { closeRedis, createRedis, keyPrefix, waitReady, type RedisClient, type RedisConfig } from './redis.js';
import { Spool } from './spool.js';

export type EnqueueJobs = { [Q in QueueName]?: JobInputs[Q] };

export interface EnqueueResult {
  /** The id of each job, by queue. */
  ids: { [Q in QueueName]?: string };
}

export interface ProducerOptions {
  redis: RedisConfig;
  /** Use this connection instead of opening one (it stays open on close()). */
  connection?: RedisClient;
  connectionName?: string;
  logger?: Logger;
  /** How long open() waits for Redis. */
  readyTimeoutMs?: number;
}

export class Producer {
  readonly spool: Spool;
  readonly prefix: string;
  private readonly flows: FlowProducer;
  private readonly queues: Record<QueueName, Queue>;
  private closed = false;

  private constructor(
    readonly client: RedisClient,
    private readonly ownsClient: boolean,
    prefix: string,
    private readonly logger?: Logger,
  ) {
    this.prefix = prefix;
    this.spool = new Spool(client, { prefix });
    this.flows = new FlowProducer({ connection: client, prefix });
    this.flows.on('error', (err) => this.logger?.warn({ err }, 'queue producer connection error'));
    this.queues = { deliver: openQueue('deliver', client, prefix), outbound: openQueue('outbound', client, prefix) };
    for (const q of Object.values(this.queues)) q.on('error', (err) => this.logger?.warn({ err, queue: q.name }, 'queue connection error'));
  }

  /** Connects (a producer connection: commands fail at once while Redis is down) and waits until Redis answers. */
  static async open(options: ProducerOptions): Promise<Producer> {
    const client = options.connection ?? createRedis(options.redis, { role: 'producer', connectionName: options.connectionName });
    if (!options.connection) client.on('error', (err: Error) => options.logger?.warn({ err: err.message }, 'redis connection error'));
    try {
      await waitReady(client, options.readyTimeoutMs);
    } catch (err) {
      if (!options.connection) await closeRedis(client);
      throw err;
    }
    return new Producer(client, !options.connection, keyPrefix(options.redis), options.logger);
  }

  /**
   * Validates and adds the given jobs (one per queue, carrying the same spool id) in one MULTI/EXEC, returning
   * once Redis acknowledged it. Job ids derive from the spool id, so repeating a call that may or may not have
   * reached Redis adds nothing twice. A job that Redis refused inside the transaction makes the others be
   * removed again, so either every job is queued or none is; the spool entry is left as it was (retry the call,
   * or give up with spool.discard()). Throws JobValidationError or EnqueueError.
   */
  async enqueue(jobs: EnqueueJobs): Promise<EnqueueResult> {
    if (this.closed) throw new QueueError('the producer is closed');
    const validated = QUEUE_NAMES.flatMap((queue) => {
      const input = jobs[queue];
      return input === undefined ? [] : [{ queue, data: parseJob(queue, input) as JobTypes[QueueName] }];
    });
    if (validated.length === 0) throw new QueueError('enqueue needs at least one job');
    const spoolIds = new Set(validated.map((j) => j.data.spoolId));
    if (spoolIds.size !== 1) throw new QueueError('the jobs of one enqueue must carry the same spool id');
    const timestamp = Date.now();
    const flows: FlowJob[] = validated.map(({ queue, data }) => ({
      name: queue,
      queueName: queue,
      data,
      opts: jobOptions(jobId(queue, data.spoolId), timestamp),
    }));
    const ids: EnqueueResult['ids'] = {};
    for (const { queue, data } of validated) ids[queue] = jobId(queue, data.spoolId);
    try {
      const [only] = validated;
      if (validated.length === 1 && only) {
        // One job is one script call; a MULTI would add nothing but its cost.
        await this.queues[only.queue].add(only.queue, only.data, jobOptions(jobId(only.queue, only.data.spoolId), timestamp));
      } else {
        // FlowProducer.addBulk queues every job of every flow in one MULTI/EXEC (jobs of different queues, no children).
        await this.flows.addBulk(flows);
      }
      return { ids };
    } catch (err) {
      // Without an offline queue, a command issued while disconnected is refused before it is sent.
      const neverSent = /enableOfflineQueue/.test((err as Error).message);
      const undone = neverSent || (await this.undo(ids, timestamp));
      const message = `enqueue of spool entry ${[...spoolIds][0]} failed: ${(err as Error).message}${undone ? '' : ' (and removing its partial jobs failed too)'}`;
      throw new EnqueueError(message, !undone, { cause: err });
    }
  }

  /** Removes jobs this call added (recognised by their timestamp). Returns false when that could not be checked. */
  private async undo(ids: EnqueueResult['ids'], timestamp: number): Promise<boolean> {
    let ok = true;
    for (const queue of QUEUE_NAMES) {
      const id = ids[queue];
      if (!id) continue;
      try {
        const job = await this.queues[queue].getJob(id);
        if (job && job.timestamp === timestamp) await job.remove();
      } catch (err) {
        ok = false;
        this.logger?.error({ err, jobId: id }, 'could not undo a partial enqueue');
      }
    }
    return ok;
  }

  /**
   * Spools a message and enqueues the jobs `build` makes for it (given the spool id and size), with one spool
   * reference per job. When enqueueing fails the spool entry is discarded, so nothing is left behind; except
   * when Redis may have queued the jobs after all (EnqueueError.uncertain): then the entry stays, a possible
   * duplicate delivery being better than a job without its message (the spool sweep removes it if unused).
   */
  async submit(
    source: Buffer | Readable | AsyncIterable<Buffer | Uint8Array | string>,
    build: (spooled: { spoolId: string; size: number }) => EnqueueJobs,
    options: { refs: number; maxSize?: number },
  ): Promise<{ spoolId: string; size: number } & EnqueueResult> {
    const spoolId = await this.spool.put(source, options);
    try {
      const size = await this.spool.size(spoolId);
      const jobs = build({ spoolId, size });
      const count = QUEUE_NAMES.filter((q) => jobs[q] !== undefined).length;
      if (count !== options.refs) throw new QueueError(`submit: ${count} jobs built for ${options.refs} spool references`);
      return { spoolId, size, ...(await this.enqueue(jobs)) };
    } catch (err) {
      if (err instanceof EnqueueError && err.uncertain) throw err;
      await this.spool.discard(spoolId).catch((e: unknown) => this.logger?.error({ err: e, spoolId }, 'could not discard a spool entry'));
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flows.close();
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    if (this.ownsClient) await closeRedis(this.client);
  }
}
