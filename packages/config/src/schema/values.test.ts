// Table tests for the value types: sizes, durations, networks.
import { describe, expect, it } from 'vitest';
import { Cidr, Duration, FilePath, parseDuration, parseSize, Size } from './values.js';

describe('sizes', () => {
  it.each([
    ['0', 0],
    ['512', 512],
    ['512K', 524_288],
    ['512k', 524_288],
    ['25M', 26_214_400],
    ['25MB', 26_214_400],
    ['25MiB', 26_214_400],
    ['1G', 1_073_741_824],
    ['1.5K', 1536],
    ['2T', 2 * 1024 ** 4],
    [' 10 M ', 10_485_760],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
    expect(Size.parse(text)).toBe(bytes);
  });

  it.each([[1024, 1024], [0, 0]])('the number %d is taken as bytes', (n, bytes) => expect(Size.parse(n)).toBe(bytes));

  it.each(['10Q', 'M', '-1K', '1,5M', '', 'ten', '1 GB extra'])('%j is refused', (text) => {
    expect(Size.safeParse(text).success).toBe(false);
    expect(() => parseSize(text)).toThrow(/not a size/);
  });

  it.each([-1, 1.5, true, null, [1]])('%j is refused', (value) => expect(Size.safeParse(value).success).toBe(false));
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['5d', 432_000_000],
    ['2w', 1_209_600_000],
    ['0ms', 0],
    ['10 s', 10_000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(Duration.parse(text)).toBe(ms);
  });

  it('a number is milliseconds', () => expect(Duration.parse(2500)).toBe(2500));

  it.each(['30', '5M', '1y', 'soon', '-5s', '5 minutes', ''])('%j is refused', (text) => {
    expect(Duration.safeParse(text).success).toBe(false);
  });
});

describe('networks', () => {
  it.each(['127.0.0.0/8', '::1/128', '192.0.2.1', '2001:db8::/32', '0.0.0.0/0', '::/0', '10.0.0.0/32'])('%s is a network', (text) => {
    expect(Cidr.safeParse(text).success).toBe(true);
  });
  it.each(['10.0.0.0/33', '::/129', 'example.org', '10.0.0.0/8/8', '10.0.0/8', '10.0.0.0/', '10.0.0.0/x', ''])('%j is refused', (text) => {
    expect(Cidr.safeParse(text).success).toBe(false);
  });
});

describe('file paths', () => {
  it('refuses an empty path', () => expect(FilePath.safeParse('').success).toBe(false));
});
