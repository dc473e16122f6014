// What a job handler returns: done, retry later (temporary failure), or fail for good; and the errors that carry them to BullMQ.

export type Outcome =
  | { result: 'done' }
  | { result: 'retry'; error: string; delay?: number }
  | { result: 'fail'; error: string };

/** The job is finished; its spool reference is released. */
export function done(): Outcome {
  return { result: 'done' };
}

/** A temporary failure: run again after `delay` ms, or after the retry schedule's next wait when omitted. */
export function retryLater(error: string, delay?: number): Outcome {
  return delay === undefined ? { result: 'retry', error } : { result: 'retry', error, delay };
}

/** A permanent failure: the job moves to the failed set (kept, with its spool reference, for an administrator). */
export function failPermanently(error: string): Outcome {
  return { result: 'fail', error };
}

/** Thrown to BullMQ for a temporary failure; the back-off strategy reads `delay`. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delay?: number,
  ) {
    super(message);
  }
}
