// How the suite uses BullMQ: job options every job gets, the custom back-off name, and BullMQ Queue handles.
import { Queue, type JobsOptions } from 'bullmq';
import type { QueueName } from './names.js';
import type { RedisClient } from './redis.js';

/** The back-off type stored in each job; workers compute it with nextRetryDelay(). */
export const BACKOFF_TYPE = 'mail-retry-schedule';

/** Attempts are bounded by the retry schedule's giveUp time, not by a count. */
export const UNLIMITED_ATTEMPTS = 1_000_000;

/**
 * Options of every job: retried on the suite's schedule; completed jobs kept a day (so a repeated enqueue of
 * the same message stays a no-op and `mailctl queue` can show recent history); failed jobs kept until an
 * administrator deletes or requeues them, with their spool reference.
 */
export function jobOptions(id: string, timestamp: number): JobsOptions {
  return {
    jobId: id,
    timestamp,
    attempts: UNLIMITED_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: false,
  };
}

/** A BullMQ Queue handle on a shared connection (the caller closes the connection). */
export function openQueue(name: QueueName, connection: RedisClient, prefix: string): Queue {
  return new Queue(name, { connection, prefix });
}
