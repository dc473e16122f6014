// The spool sweep: deletes spooled messages that no unfinished job refers to (left by a process killed between two steps).
import type { Job, Queue } from 'bullmq';
import { jobId, QUEUE_NAMES, type QueueName } from './names.js';
import type { Spool } from './spool.js';

/** Entries younger than this are never swept: a producer may be between spool.put() and enqueue(). */
export const DEFAULT_SWEEP_AGE = 3_600_000;
const PAGE = 1000;

export interface SweepResult {
  checked: number;
  deleted: number;
}

/**
 * Deletes spool entries older than `olderThan` ms that no unfinished job refers to. Every job is created by
 * enqueue() with an id derived from its spool id, so looking those ids up (whatever state the job is in)
 * finds every reference. An entry created or retained after the cutoff is never deleted (checked atomically).
 */
export async function sweepSpool(spool: Spool, queues: Record<QueueName, Queue>, olderThan = DEFAULT_SWEEP_AGE): Promise<SweepResult> {
  const cutoff = Date.now() - olderThan;
  let checked = 0;
  let deleted = 0;
  for (let offset = 0; ; ) {
    const page = await spool.idsOlderThan(cutoff, PAGE, offset);
    for (const spoolId of page) {
      checked += 1;
      if ((await referenced(queues, spoolId)) || !(await spool.sweep(spoolId, cutoff))) offset += 1;
      else deleted += 1;
    }
    if (page.length < PAGE) break;
  }
  return { checked, deleted };
}

async function referenced(queues: Record<QueueName, Queue>, spoolId: string): Promise<boolean> {
  for (const queue of QUEUE_NAMES) {
    const job: Job | undefined = await queues[queue].getJob(jobId(queue, spoolId));
    if (job && (await job.getState()) !== 'completed') return true;
  }
  return false;
}
