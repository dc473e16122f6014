// @mail/queue: the only package that knows BullMQ: Redis connections, queue names, job schemas, the Redis message spool,
// the retry schedule, the producer/worker API the daemons use, and the administration API behind `mailctl queue`.
export * from './errors.js';
export { closeRedis, clusterOptions, createRedis, keyPrefix, reconnectDelay, sentinelOptions, singleOptions, waitReady } from './redis.js';
export type { CreateRedisOptions, RedisClient, RedisConfig, RedisRole } from './redis.js';
export * from './schemas.js';
export { isQueueName, JOB_SCHEMAS, jobId, parseJob, QUEUE_NAMES, queueOfJobId } from './names.js';
export type { JobInputs, JobTypes, QueueName } from './names.js';
export { DEFAULT_RETRY_SCHEDULE, nextRetryDelay } from './retry.js';
export type { RetrySchedule } from './retry.js';
export { DEFAULT_CHUNK_SIZE, Spool } from './spool.js';
export type { PutOptions, SpoolEntryInfo, SpoolOptions } from './spool.js';
export { newSpoolId, spoolIdTime } from './spool-id.js';
export { done, failPermanently, retryLater } from './outcome.js';
export type { Outcome } from './outcome.js';
export { Producer } from './producer.js';
export type { EnqueueJobs, EnqueueResult, ProducerOptions } from './producer.js';
export { createWorker, WORKER_DEFAULTS } from './worker.js';
export type { Handler, JobContext, MailWorker, WorkerOptions } from './worker.js';
export { parseQueueName, QueueAdmin } from './admin.js';
export { DEFAULT_SWEEP_AGE, sweepSpool } from './sweep.js';
export type { SweepResult } from './sweep.js';
export type { AdminOptions, ListOptions } from './admin.js';
export { JOB_STATES } from './summary.js';
export type { JobDetail, JobState, JobSummary, RecipientSummary } from './summary.js';
export type { HoldRecord } from './hold.js';
