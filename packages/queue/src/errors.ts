// Typed errors of @mail/queue, so callers can tell a bad job from a missing spool entry or a Redis outage.

/** Base class of every error this package throws on purpose. */
export class QueueError extends Error {
  override name = 'QueueError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A job failed its zod schema (on enqueue, or when a worker received it). */
export class JobValidationError extends QueueError {
  override name = 'JobValidationError';
  constructor(
    readonly queue: string,
    readonly issues: string[],
  ) {
    super(`invalid ${queue} job: ${issues.join('; ')}`);
  }
}

/** The spool has no (complete) message under this id: never stored, already deleted, or still being written. */
export class SpoolNotFoundError extends QueueError {
  override name = 'SpoolNotFoundError';
  constructor(readonly spoolId: string) {
    super(`spool entry ${spoolId} not found`);
  }
}

/** A message was larger than the limit given to spool.put(). */
export class SpoolTooLargeError extends QueueError {
  override name = 'SpoolTooLargeError';
  constructor(readonly limit: number) {
    super(`message exceeds the spool limit of ${limit} bytes`);
  }
}

/** A caller-chosen spool id is not a spool id (26 characters of Crockford base32, as newSpoolId() makes). */
export class SpoolIdInvalidError extends QueueError {
  override name = 'SpoolIdInvalidError';
  constructor(readonly spoolId: string) {
    super(`not a spool id: ${JSON.stringify(spoolId.slice(0, 64))}`);
  }
}

/** spool.put() was given an id that already names a stored message (`exists`) or one being stored right now (`writing`). */
export class SpoolIdTakenError extends QueueError {
  override name = 'SpoolIdTakenError';
  constructor(
    readonly spoolId: string,
    readonly reason: 'exists' | 'writing',
  ) {
    super(reason === 'exists' ? `spool entry ${spoolId} already exists` : `spool entry ${spoolId} is being written`);
  }
}

/** enqueue() did not add its jobs. `uncertain` is set when Redis may have applied them before the failure was seen. */
export class EnqueueError extends QueueError {
  override name = 'EnqueueError';
  constructor(
    message: string,
    readonly uncertain: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An administration command named a job that does not exist. */
export class JobNotFoundError extends QueueError {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`no job ${jobId}`);
  }
}

/** An administration command cannot act on a job a worker is processing right now. */
export class JobActiveError extends QueueError {
  override name = 'JobActiveError';
  constructor(readonly jobId: string) {
    super(`job ${jobId} is being processed; try again when the attempt is over`);
  }
}
