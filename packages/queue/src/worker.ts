// The consumer side (mda, queue-runner): a BullMQ worker that validates each job, hands it with the spool to a
// handler, and turns the handler's outcome into completion (spool released), a scheduled retry, or a permanent failure.
import type { Logger } from '@mail/log';
import { DelayedError, UnrecoverableError, Worker, type Job, type MinimalJob, type Queue } from 'bullmq';
import { BACKOFF_TYPE, openQueue } from './bull.js';
import { JobValidationError, SpoolNotFoundError } from './errors.js';
import { HOLD_PARK_MS, Holds } from './hold.js';
import { parseJob, type JobTypes, type QueueName } from './names.js';
import { done as doneOutcome, RetryLaterError, type Outcome } from './outcome.js';
import { closeRedis, createRedis, keyPrefix, type RedisClient, type RedisConfig } from './redis.js';
import { DEFAULT_RETRY_SCHEDULE, nextRetryDelay, type RetrySchedule } from './retry.js';
import { Spool } from './spool.js';
import { DEFAULT_SWEEP_AGE, sweepSpool } from './sweep.js';

/** What a handler gets for one attempt at one job. */
export interface JobContext<Q extends QueueName> {
  queue: Q;
  id: string;
  /** The validated job. */
  data: JobTypes[Q];
  spool: Spool;
  /** This attempt's number, 1 for the first. */
  attempt: number;
  /** When the job was queued. */
  arrivedAt: Date;
  /** Start of the retry schedule: the job's firstAttemptAt when it has one, else its arrival. */
  firstAttemptAt: Date;
  /** How long a retry requested now would wait, or null when the retry schedule is used up (bounce instead). */
  nextRetryDelay(): number | null;
  /** Stores changed job data (validated), e.g. per-recipient delivery state, so the next attempt sees it. */
  update(data: JobTypes[Q]): Promise<void>;
  /** Aborted when the worker is closing or lost the job's lock. */
  signal?: AbortSignal;
  log: Logger | undefined;
}

export type Handler<Q extends QueueName> = (job: JobContext<Q>) => Promise<Outcome | void>;

export interface WorkerOptions {
  redis: RedisConfig;
  /** Jobs processed at once by this process. */
  concurrency?: number;
  retrySchedule?: RetrySchedule;
  /** A job's lock lasts this long and is renewed at half of it; a worker silent for longer is presumed dead. */
  lockDuration?: number;
  /** How often workers look for jobs whose lock expired (their worker died) and put them back to waiting. */
  stalledInterval?: number;
  /** A job found stalled more often than this fails for good (a message that kills its worker every time). */
  maxStalledCount?: number;
  /** How often this worker runs the spool sweep (0: never); several workers sweeping at once is harmless. */
  spoolSweepInterval?: number;
  /** Only entries older than this are swept (default 1 h: longer than any producer takes between put and enqueue). */
  spoolSweepAge?: number;
  logger?: Logger;
  connectionName?: string;
}

export interface MailWorker {
  readonly queue: QueueName;
  /** Resolves once the worker is connected and fetching jobs. */
  waitUntilReady(): Promise<void>;
  /** Stops fetching, waits for running jobs (unless force), closes connections. */
  close(force?: boolean): Promise<void>;
}

/** Production defaults: a dead worker's jobs are back in waiting within about 1.5 minutes. */
export const WORKER_DEFAULTS = { concurrency: 1, lockDuration: 60_000, stalledInterval: 30_000, maxStalledCount: 3, spoolSweepInterval: 900_000 } as const;

interface CompletedResult {
  spoolId: string;
}

function scheduleStart(job: Pick<MinimalJob, 'data' | 'timestamp'>): number {
  const raw = (job.data as { firstAttemptAt?: unknown } | undefined)?.firstAttemptAt;
  const parsed = typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isFinite(parsed) ? parsed : job.timestamp;
}

/** Runs `handler` for every job of `queue`. */
export function createWorker<Q extends QueueName>(queue: Q, handler: Handler<Q>, options: WorkerOptions): MailWorker {
  const schedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE;
  const log = options.logger?.child({ queue });
  const prefix = keyPrefix(options.redis);
  const client: RedisClient = createRedis(options.redis, { role: 'worker', connectionName: options.connectionName });
  client.on('error', (err: Error) => log?.warn({ err: err.message }, 'redis connection error'));
  const spool = new Spool(client, { prefix });
  const holds = new Holds(client, prefix);

  const park = async (job: Job, token: string): Promise<never> => {
    await job.moveToDelayed(Date.now() + HOLD_PARK_MS, token);
    // A release that ran between the check and the move saw the job active and could not promote it: do it here.
    if (!(await holds.isHeld(queue, job.id!))) await job.promote().catch(() => undefined);
    log?.info({ jobId: job.id }, 'job is on hold; parked');
    throw new DelayedError();
  };

  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<CompletedResult> => {
    const id = job.id!;
    if (token && (await holds.isHeld(queue, id))) await park(job, token);
    let data: JobTypes[Q];
    try {
      data = parseJob(queue, job.data);
    } catch (err) {
      log?.error({ jobId: id, err: (err as Error).message }, 'rejecting an invalid job');
      throw new UnrecoverableError((err as Error).message);
    }
    const attempt = job.attemptsMade + 1;
    const firstAttemptAt = scheduleStart(job);
    const context: JobContext<Q> = {
      queue,
      id,
      data,
      spool,
      attempt,
      arrivedAt: new Date(job.timestamp),
      firstAttemptAt: new Date(firstAttemptAt),
      nextRetryDelay: () => nextRetryDelay(attempt, firstAttemptAt, Date.now(), schedule),
      update: async (next) => {
        const valid = parseJob(queue, next);
        await job.updateData(valid);
        data = valid;
        context.data = valid;
      },
      signal,
      log: log?.child({ jobId: id, spoolId: data.spoolId, attempt }),
    };
    let outcome: Outcome;
    try {
      outcome = (await handler(context)) ?? doneOutcome();
    } catch (err) {
      if (err instanceof SpoolNotFoundError && err.spoolId === data.spoolId) {
        outcome = { result: 'fail', error: `message body missing from the spool (${err.message})` };
      } else if (err instanceof JobValidationError) {
        outcome = { result: 'fail', error: err.message };
      } else {
        context.log?.error({ err }, 'job handler threw; retrying on schedule');
        outcome = { result: 'retry', error: err instanceof Error ? err.message : String(err) };
      }
    }
    switch (outcome.result) {
      case 'done':
        return { spoolId: data.spoolId };
      case 'fail':
        throw new UnrecoverableError(outcome.error);
      case 'retry':
        if (nextRetryDelay(attempt, firstAttemptAt, Date.now(), schedule) === null) {
          throw new UnrecoverableError(`gave up after ${attempt} attempts since ${new Date(firstAttemptAt).toISOString()}: ${outcome.error}`);
        }
        throw new RetryLaterError(outcome.error, outcome.delay);
    }
  };

  const worker = new Worker(queue, processor, {
    connection: client,
    prefix,
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    lockDuration: options.lockDuration ?? WORKER_DEFAULTS.lockDuration,
    stalledInterval: options.stalledInterval ?? WORKER_DEFAULTS.stalledInterval,
    maxStalledCount: options.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount,
    removeOnComplete: { age: 86_400, count: 10_000 },
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string, err?: Error, job?: MinimalJob): number => {
        if (type !== BACKOFF_TYPE || !job) return 0;
        const now = Date.now();
        const start = scheduleStart(job);
        const wait = nextRetryDelay(attemptsMade, start, now, schedule);
        if (wait === null) return -1;
        const asked = err instanceof RetryLaterError ? err.delay : undefined;
        return Math.max(1, asked === undefined ? wait : Math.min(asked, start + schedule.giveUp - now));
      },
    },
  });

  // Released only once BullMQ recorded the completion: a worker that dies in between leaks the reference
  // (the spool sweep reclaims it) instead of deleting a message another attempt still needs.
  const releases = new Set<Promise<void>>();
  worker.on('completed', (job: Job, result: CompletedResult) => {
    const p = (async () => {
      try {
        await spool.release(result.spoolId, job.id);
        await holds.unhold(queue, job.id!);
      } catch (err) {
        log?.error({ err, jobId: job.id, spoolId: result.spoolId }, 'could not release the spool reference of a completed job (the spool sweep will)');
      }
    })();
    releases.add(p);
    void p.finally(() => releases.delete(p));
    log?.info({ jobId: job.id, spoolId: result.spoolId, attempt: job.attemptsMade }, 'job done');
  });
  worker.on('failed', (job: Job | undefined, err: Error) => {
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || (job !== undefined && job.finishedOn !== undefined && job.finishedOn !== null);
    log?.warn({ jobId: job?.id, attempt: job?.attemptsMade, reason: err.message, final }, final ? 'job failed permanently' : 'job deferred');
  });
  worker.on('stalled', (jobId: string) => log?.warn({ jobId }, 'job stalled (its worker died or hung); it runs again'));
  worker.on('error', (err: Error) => log?.error({ err: err.message }, 'queue worker error'));

  const sweepEvery = options.spoolSweepInterval ?? WORKER_DEFAULTS.spoolSweepInterval;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let sweepQueues: Queue[] = [];
  if (sweepEvery > 0) {
    const queues = { deliver: openQueue('deliver', client, prefix), outbound: openQueue('outbound', client, prefix) };
    const sweep = (): void => {
      sweeping = sweepSpool(spool, queues, options.spoolSweepAge ?? DEFAULT_SWEEP_AGE)
        .then((r) => {
          if (r.deleted > 0) log?.warn(r, 'spool sweep deleted unreferenced messages');
        })
        .catch((err: unknown) => log?.warn({ err }, 'spool sweep failed'))
        .finally(() => {
          sweeping = undefined;
        });
    };
    // Jitter, so that workers started together do not sweep together.
    sweepTimer = setInterval(sweep, Math.round(sweepEvery * (0.75 + Math.random() / 2)));
    sweepTimer.unref();
    sweepQueues = Object.values(queues);
  }

  return {
    queue,
    waitUntilReady: async () => {
      await worker.waitUntilReady();
    },
    close: async (force = false) => {
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping;
      await worker.close(force);
      await Promise.all(releases);
      await Promise.all(sweepQueues.map((q) => q.close()));
      await closeRedis(client);
    },
  };
}
