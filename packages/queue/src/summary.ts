// Turns a BullMQ job into what `mailctl queue` shows: id, state, arrival, size, envelope, attempts, last error.
import type { Job } from 'bullmq';
import type { HoldRecord } from './hold.js';
import { JOB_SCHEMAS, type QueueName } from './names.js';

/** The states the administration API speaks of (BullMQ's wait, prioritized and paused are all "waiting"). */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'held', 'completed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The BullMQ states behind each state of ours ('held' is a mark kept beside BullMQ). */
export const BULL_STATES: Record<Exclude<JobState, 'held'>, Array<'wait' | 'prioritized' | 'paused' | 'waiting-children' | 'active' | 'delayed' | 'failed' | 'completed'>> = {
  waiting: ['wait', 'prioritized', 'paused', 'waiting-children'],
  active: ['active'],
  delayed: ['delayed'],
  failed: ['failed'],
  completed: ['completed'],
};

/** Our state for a BullMQ state name (as counted by getJobCounts or returned by Job.getState, which says "waiting"). */
export function stateOf(bullState: string): Exclude<JobState, 'held'> | undefined {
  if (bullState === 'waiting') return 'waiting';
  for (const [ours, theirs] of Object.entries(BULL_STATES)) if ((theirs as string[]).includes(bullState)) return ours as Exclude<JobState, 'held'>;
  return undefined;
}

export interface RecipientSummary {
  address: string;
  status?: string;
  attempts?: number;
  lastError?: string;
}

export interface JobSummary {
  id: string;
  queue: QueueName;
  state: JobState;
  /** When the job was queued. */
  arrival: Date;
  spoolId?: string;
  size?: number;
  sender?: string;
  /** Recipients; outbound ones with their delivery state. */
  recipients: RecipientSummary[];
  messageId?: string;
  /** Attempts that ended in a (temporary or permanent) failure. */
  attempts: number;
  lastError?: string;
  /** When a delayed job runs next. */
  nextAttemptAt?: Date;
  held?: HoldRecord;
}

export interface JobDetail extends JobSummary {
  /** The job as stored. */
  data: unknown;
  /** Why the stored job fails its schema, when it does. */
  invalid?: string;
  stacktrace: string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function summarize(queue: QueueName, job: Job, state: JobState, extra: { nextAttemptAt?: Date; held?: HoldRecord } = {}): JobSummary {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const recipients = Array.isArray(data.recipients)
    ? data.recipients.map((r: unknown): RecipientSummary => {
        const rec = (r ?? {}) as Record<string, unknown>;
        const out: RecipientSummary = { address: str(rec.address) ?? '?' };
        const status = str(rec.status);
        if (status) out.status = status;
        if (typeof rec.attempts === 'number') out.attempts = rec.attempts;
        const lastError = str(rec.lastError);
        if (lastError) out.lastError = lastError;
        return out;
      })
    : [];
  const summary: JobSummary = {
    id: job.id ?? '',
    queue,
    state,
    arrival: new Date(job.timestamp),
    recipients,
    attempts: job.attemptsMade,
  };
  const spoolId = str(data.spoolId);
  if (spoolId) summary.spoolId = spoolId;
  if (typeof data.size === 'number') summary.size = data.size;
  const sender = str(data.sender);
  if (sender !== undefined) summary.sender = sender;
  const messageId = str(data.messageId);
  if (messageId) summary.messageId = messageId;
  if (job.failedReason) summary.lastError = job.failedReason;
  if (extra.nextAttemptAt) summary.nextAttemptAt = extra.nextAttemptAt;
  if (extra.held) summary.held = extra.held;
  return summary;
}

export function detail(queue: QueueName, job: Job, summary: JobSummary): JobDetail {
  const parsed = JOB_SCHEMAS[queue].safeParse(job.data);
  const d: JobDetail = { ...summary, data: job.data, stacktrace: job.stacktrace ?? [] };
  if (!parsed.success) d.invalid = parsed.error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`).join('; ');
  return d;
}
