// Tests of Maildir++ quota: maildirsize format and the recount rules.
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatQuotaHeader, MaildirQuota, overQuota, parseMaildirsize, parseQuotaHeader, sumMaildir } from './quota.js';

describe('maildirsize format', () => {
  it.each([
    ['10000000S,1000C', { storage: 10000000, messages: 1000 }],
    ['1000C', { messages: 1000 }],
    ['5S', { storage: 5 }],
    ['0S', {}],
    ['', {}],
    ['0S,0C', {}],
  ])('header %j', (line, want) => {
    expect(parseQuotaHeader(line)).toEqual(want);
  });

  it.each(['10X', 'S', '10S,', '-5S'])('refuses header %j', (line) => {
    expect(parseQuotaHeader(line)).toBeNull();
  });

  it('formats headers as Dovecot writes them', () => {
    expect(formatQuotaHeader({ storage: 100, messages: 5 })).toBe('100S,5C');
    expect(formatQuotaHeader({ messages: 5 })).toBe('5C');
    expect(formatQuotaHeader({})).toBe('0S');
  });

  it('sums the delta lines and ignores a torn last line', () => {
    expect(parseMaildirsize('100S,10C\n50 2\n  -10   -1\n30 1\n7 ')).toEqual({ limits: { storage: 100, messages: 10 }, storage: 70, messages: 2, lines: 3 });
    expect(parseMaildirsize('100S\n-5 -1\n')).toBeNull();
    expect(parseMaildirsize('100S\nabc\n')).toBeNull();
    expect(parseMaildirsize('')).toBeNull();
  });

  it('decides over quota', () => {
    const usage = { storage: 90, messages: 9, limits: { storage: 100, messages: 10 } };
    expect(overQuota(usage, 10, 1)).toBeNull();
    expect(overQuota(usage, 11, 1)).toBe('storage');
    expect(overQuota(usage, 1, 2)).toBe('messages');
    expect(overQuota({ storage: 1e12, messages: 1e9, limits: {} }, 1, 1)).toBeNull();
  });
});

describe('MaildirQuota', () => {
  let dir: TempDir;
  let quota: MaildirQuota;
  beforeEach(async () => {
    dir = await tempDir();
    for (const d of ['cur', 'new', 'tmp', '.Sent/cur', '.Sent/new', '.Sent/tmp']) await mkdir(join(dir.path, d), { recursive: true });
    await writeFile(join(dir.path, 'cur', '1.M1P1.h,S=100,W=104:2,S'), 'x'.repeat(100));
    await writeFile(join(dir.path, 'new', '2.M1P1.h'), 'y'.repeat(40));
    await writeFile(join(dir.path, '.Sent', 'cur', '3.M1P1.h,S=60,W=62:2,S'), 'z'.repeat(60));
    await writeFile(join(dir.path, 'tmp', '4.M1P1.h,S=999'), '');
    quota = new MaildirQuota(dir.path, async () => ['.Sent']);
  });
  afterEach(() => dir.cleanup());

  it('counts every folder (S= from names, stat otherwise), skipping tmp/', async () => {
    expect(await sumMaildir(dir.path, ['.Sent'])).toMatchObject({ storage: 200, messages: 3 });
  });

  it('writes maildirsize when limits are configured and appends deltas', async () => {
    expect(await quota.usage({ storage: 1000, messages: 10 })).toEqual({ storage: 200, messages: 3, limits: { storage: 1000, messages: 10 } });
    expect(await readFile(quota.path, 'utf8')).toBe('1000S,10C\n200 3\n');
    await quota.add(50, 1);
    await quota.add(-100, -1);
    expect(await readFile(quota.path, 'utf8')).toBe('1000S,10C\n200 3\n50 1\n-100 -1\n');
    expect(await quota.usage({ storage: 1000, messages: 10 })).toMatchObject({ storage: 150, messages: 3 });
  });

  it('creates no file without limits, and uses the header of an existing one', async () => {
    expect(await quota.usage()).toEqual({ storage: 200, messages: 3, limits: {} });
    await expect(stat(quota.path)).rejects.toThrow();
    await writeFile(quota.path, '500S\n200 3\n');
    expect(await quota.usage()).toEqual({ storage: 200, messages: 3, limits: { storage: 500 } });
  });

  it('recalculates when the limits changed, the file is big, or it says over quota with several lines', async () => {
    await writeFile(quota.path, '1000S\n999 9\n');
    expect((await quota.usage({ storage: 2000 })).storage).toBe(200);
    await writeFile(quota.path, `1000S\n${'1 0\n'.repeat(1300)}`);
    expect((await quota.usage({ storage: 1000 })).storage).toBe(200);
    await writeFile(quota.path, '100S\n150 1\n1 0\n');
    expect((await quota.usage({ storage: 100 })).storage).toBe(200);
  });

  it('believes a fresh single-line over-quota file but recounts a stale one (15 minutes)', async () => {
    await writeFile(quota.path, '100S\n150 1\n');
    expect((await quota.usage({ storage: 100 })).storage).toBe(150);
    const old = new Date(Date.now() - 16 * 60_000);
    await utimes(quota.path, old, old);
    expect((await quota.usage({ storage: 100 })).storage).toBe(200);
  });

  it('leaves a missing file alone when adding', async () => {
    await quota.add(10, 1);
    await expect(stat(quota.path)).rejects.toThrow();
  });
});
