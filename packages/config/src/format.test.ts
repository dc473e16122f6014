// Sizes and durations printed with units, as `mailctl config show` writes them.
import { describe, expect, it } from 'vitest';
import { defaults } from './diff.js';
import { formatDuration, formatSize, humanize } from './format.js';
import { parseDuration, parseSize } from './schema/values.js';

describe('formatting', () => {
  it.each([
    [52_428_800, '50M'],
    [1024, '1K'],
    [1536, '1536'],
    [1_073_741_824, '1G'],
    [0, '0'],
  ])('size %d is written %s', (bytes, text) => {
    expect(String(formatSize(bytes))).toBe(text);
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    [0, '0ms'],
    [1500, '1500ms'],
    [30_000, '30s'],
    [300_000, '5m'],
    [14_400_000, '4h'],
    [432_000_000, '5d'],
    [1_209_600_000, '2w'],
    [90_000, '90s'],
  ])('duration %d is written %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it('writes the defaults as the reference shows them', () => {
    const shown = humanize(defaults()) as ReturnType<typeof defaults> & Record<string, Record<string, unknown>>;
    expect(shown.limits).toMatchObject({ messageSize: '50M', idleTimeout: '30m', lineLength: 8192 });
    expect(shown.queueRunner.retrySchedule).toEqual({ first: '5m', max: '1h', giveUp: '5d' });
    expect(shown.smtpd.greetDelay).toBe('0ms');
    expect(shown.smtpd.listeners).toEqual(defaults().smtpd.listeners);
  });
});
