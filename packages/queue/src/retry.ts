// The retry schedule of temporarily failed jobs: first retry after `first`, doubling up to `max`, give up after `giveUp`.

/** Durations in milliseconds, as in the config's queueRunner.retrySchedule. */
export interface RetrySchedule {
  first: number;
  max: number;
  giveUp: number;
}

/** Postfix-like defaults: 5 minutes, doubling to 1 hour, for 5 days. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { first: 300_000, max: 3_600_000, giveUp: 5 * 86_400_000 };

const ms = (t: number | Date): number => (typeof t === 'number' ? t : t.getTime());

/**
 * How long to wait before the next attempt, after `attempt` attempts (1 = the first one just failed),
 * or null when `giveUp` has passed since `firstAttemptAt` and the job should fail for good.
 * The wait is `first · 2^(attempt−1)`, at most `max`, and never past the give-up time, so the last
 * attempt happens at the deadline instead of after it.
 */
export function nextRetryDelay(attempt: number, firstAttemptAt: number | Date, now: number | Date, schedule: RetrySchedule): number | null {
  const elapsed = Math.max(0, ms(now) - ms(firstAttemptAt));
  if (elapsed >= schedule.giveUp) return null;
  const doublings = Math.min(Math.max(0, Math.floor(attempt) - 1), 52);
  const backoff = Math.min(schedule.first * 2 ** doublings, schedule.max);
  return Math.max(0, Math.min(backoff, schedule.giveUp - elapsed));
}
