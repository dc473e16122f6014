// Queue names, their job schemas, and the job ids derived from spool ids.
import type { z } from 'zod';
import { JobValidationError } from './errors.js';
import { DeliverJob, OutboundJob } from './schemas.js';

/** The suite's queues: `deliver` (local delivery by mda) and `outbound` (remote delivery by queue-runner). */
export const QUEUE_NAMES = ['deliver', 'outbound'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The schema of each queue's jobs. */
export const JOB_SCHEMAS = { deliver: DeliverJob, outbound: OutboundJob } as const;

/** The job type of each queue. */
export interface JobTypes {
  deliver: DeliverJob;
  outbound: OutboundJob;
}
export type JobInputs = { [Q in QueueName]: z.input<(typeof JOB_SCHEMAS)[Q]> };

export function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

/**
 * The id of the job for `queue` that carries the spool entry `spoolId`: `<spoolId>-d` or `<spoolId>-o`.
 * Derived ids make a repeated enqueue of the same message a no-op.
 */
export function jobId(queue: QueueName, spoolId: string): string {
  return `${spoolId}-${queue === 'deliver' ? 'd' : 'o'}`;
}

/** The queue a job id belongs to, from its suffix; undefined for ids this package did not make. */
export function queueOfJobId(id: string): QueueName | undefined {
  if (id.endsWith('-d')) return 'deliver';
  if (id.endsWith('-o')) return 'outbound';
  return undefined;
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(job)'}: ${i.message}`);
}

/** Parses `data` as a job of `queue`, throwing JobValidationError with every problem listed. */
export function parseJob<Q extends QueueName>(queue: Q, data: unknown): JobTypes[Q] {
  const result = JOB_SCHEMAS[queue].safeParse(data);
  if (!result.success) throw new JobValidationError(queue, formatIssues(result.error));
  return result.data as JobTypes[Q];
}
