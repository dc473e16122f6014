import { describe, expect, it } from 'vitest';
import { nextRetryDelay, type RetrySchedule } from './retry.js';

const m = 60_000;
const h = 60 * m;
const d = 24 * h;
const schedule: RetrySchedule = { first: 5 * m, max: h, giveUp: 5 * d };
const t0 = Date.parse('2025-01-01T00:00:00Z');

describe('nextRetryDelay', () => {
  const table: Array<[string, number, number, RetrySchedule, number | null]> = [
    ['first failure waits `first`', 1, 0, schedule, 5 * m],
    ['second doubles', 2, 5 * m, schedule, 10 * m],
    ['third doubles again', 3, 15 * m, schedule, 20 * m],
    ['fourth', 4, 35 * m, schedule, 40 * m],
    ['fifth reaches the cap', 5, 75 * m, schedule, h],
    ['the cap holds', 40, 2 * d, schedule, h],
    ['huge attempt counts do not overflow', 10_000, d, schedule, h],
    ['attempt 0 is treated as the first', 0, 0, schedule, 5 * m],
    ['the last wait ends at the give-up time', 30, 5 * d - 10 * m, schedule, 10 * m],
    ['at the give-up time: give up', 30, 5 * d, schedule, null],
    ['after the give-up time: give up', 30, 6 * d, schedule, null],
    ['max below first caps the first wait', 1, 0, { first: h, max: 5 * m, giveUp: d }, 5 * m],
    ['giveUp 0 never retries', 1, 0, { first: m, max: h, giveUp: 0 }, null],
    ['a clock behind the first attempt counts as no time elapsed', 1, -m, schedule, 5 * m],
  ];
  it.each(table)('%s', (_name, attempt, elapsed, s, expected) => {
    expect(nextRetryDelay(attempt, t0, t0 + elapsed, s)).toBe(expected);
  });

  it('accepts Date values', () => {
    expect(nextRetryDelay(2, new Date(t0), new Date(t0 + m), schedule)).toBe(10 * m);
  });

  it('attempts following the schedule end exactly at the give-up time', () => {
    let now = t0;
    let attempt = 1;
    const waits: number[] = [];
    for (;;) {
      const wait = nextRetryDelay(attempt, t0, now, schedule);
      if (wait === null) break;
      waits.push(wait);
      now += wait;
      attempt += 1;
    }
    expect(now - t0).toBe(5 * d);
    expect(waits.slice(0, 5)).toEqual([5 * m, 10 * m, 20 * m, 40 * m, h]);
    expect(Math.max(...waits)).toBe(h);
  });
});
