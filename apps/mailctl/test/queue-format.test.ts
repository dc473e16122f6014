// Tables for what `mailctl queue` prints: terminal-safe text, times, the header/body split, the summary line, and
// reading a spooled message across chunk boundaries.
import { Readable } from 'node:stream';
import type { JobSummary } from '@mail/queue';
import { describe, expect, it } from 'vitest';
import { countJobs, listEntry, safe, splitHead, summaryLine, time } from '../src/commands/queue-format.js';
import { printMessage, readHead } from '../src/commands/queue-support.js';

describe('safe', () => {
  it.each([
    ['plain text', 'plain text'],
    ['tab\tstays', 'tab\tstays'],
    ['\x1b[2J', '\\x1b[2J'],
    ['cr\rlf\n', 'cr\\x0dlf\\x0a'],
    ['nul\0del\x7f', 'nul\\x00del\\x7f'],
    ['c1 \u009b31m', 'c1 \\x9b31m'],
    ['café ✓', 'café ✓'],
  ])('%j → %j', (input, expected) => {
    expect(safe(input)).toBe(expected);
  });
});

describe('time', () => {
  it.each([
    [new Date('2026-12-03T13:40:00.123Z'), '2026-12-03T13:40:00Z'],
    ['2026-12-03T14:40:00+01:00', '2026-12-03T13:40:00Z'],
    ['not a date\x1b', 'not a date\\x1b'],
    [undefined, '-'],
  ])('%j → %j', (input, expected) => {
    expect(time(input)).toBe(expected);
  });
});

describe('splitHead', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i + 1}`);
  it.each<[string, string, boolean, number, { headers: string[]; bodyLines: string[]; more: boolean }]>([
    ['CRLF message', 'A: 1\r\nB: 2\r\n\r\nx\r\ny\r\n', true, 5, { headers: ['A: 1', 'B: 2'], bodyLines: ['x', 'y'], more: false }],
    ['LF message', 'A: 1\n\nx\n', true, 5, { headers: ['A: 1'], bodyLines: ['x'], more: false }],
    ['no final newline', 'A: 1\r\n\r\nx', true, 5, { headers: ['A: 1'], bodyLines: ['x'], more: false }],
    ['headers only', 'A: 1\r\nB: 2\r\n', true, 5, { headers: ['A: 1', 'B: 2'], bodyLines: [], more: false }],
    ['no headers', '\r\nbody\r\n', true, 5, { headers: [], bodyLines: ['body'], more: false }],
    ['folded header', 'Subject: a\r\n b\r\n\r\n', true, 5, { headers: ['Subject: a', ' b'], bodyLines: [], more: false }],
    ['exactly the preview', `H: v\n\n${lines(3).join('\n')}\n`, true, 3, { headers: ['H: v'], bodyLines: lines(3), more: false }],
    ['longer than the preview', `H: v\n\n${lines(4).join('\n')}\n`, true, 3, { headers: ['H: v'], bodyLines: lines(3), more: true }],
    ['cut in a line', 'H: v\r\n\r\nwhole\r\nhal', false, 5, { headers: ['H: v'], bodyLines: ['whole'], more: true }],
    ['cut in the headers', 'H: v\r\nI: w', false, 5, { headers: ['H: v'], bodyLines: [], more: true }],
    ['controls escaped', 'H: \x1b]0;pwned\x07\r\n\r\n\x1b[31mred\r\n', true, 5, { headers: ['H: \\x1b]0;pwned\\x07'], bodyLines: ['\\x1b[31mred'], more: false }],
  ])('%s', (_, text, complete, maxLines, expected) => {
    expect(splitHead(Buffer.from(text), complete, maxLines)).toEqual(expected);
  });

  it('cuts long lines and shows bytes that are not UTF-8 as U+FFFD', () => {
    const head = splitHead(Buffer.concat([Buffer.from(`X: ${'a'.repeat(300)}\n\n`), Buffer.from([0x63, 0xe9, 0x0a])]), true, 5, 10);
    expect(head.headers).toEqual(['X: aaaaaaa…']);
    expect(head.bodyLines).toEqual(['c\uFFFD']);
  });
});

describe('the listing', () => {
  const job = (over: Partial<JobSummary>): JobSummary => ({ id: 'X-d', queue: 'deliver', state: 'waiting', arrival: new Date('2026-12-03T13:00:00Z'), recipients: [], attempts: 0, size: 10, ...over });

  it('counts jobs by queue and state in a summary line', () => {
    const jobs = [job({}), job({ state: 'delayed', size: 5 }), job({ queue: 'outbound', state: 'failed', size: 1 }), job({ state: 'delayed' })];
    expect(summaryLine(countJobs(jobs, ['deliver', 'outbound']))).toBe('-- 4 jobs, 26 bytes: deliver 3 (1 waiting, 2 deferred), outbound 1 (1 failed)');
    expect(summaryLine(countJobs([job({ queue: 'outbound' })], ['outbound']))).toBe('-- 1 job, 10 bytes: outbound 1 (1 waiting)');
    expect(summaryLine(countJobs([], ['deliver', 'outbound']))).toBe('-- queue is empty');
  });

  it('writes the null sender as <> and escapes what a job carries', () => {
    const entry = listEntry(job({ sender: '', recipients: [{ address: 'a\x1b@x', status: 'deferred', lastError: '451\r\nx' }], held: { at: '2026-12-03T13:05:00Z', reason: 'r\x07' } }));
    expect(entry.split('\n')).toEqual([
      'X-d                           deliver   waiting   2026-12-03T13:00:00Z         10  <>',
      '    held since 2026-12-03T13:05:00Z: r\\x07',
      '    <a\\x1b@x>  deferred: 451\\x0d\\x0ax',
    ]);
  });
});

describe('reading a spooled message', () => {
  const chunks = (...parts: Array<string | number[]>) => Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

  it('prints a whole message line by line with LF endings across chunk boundaries', async () => {
    const out: string[] = [];
    // CR and LF in different chunks, a two-byte character split between chunks, no final newline.
    await printMessage(chunks('A: 1\r', '\n\r\ncaf', [0xc3], [0xa9, 0x0d, 0x0a], 'end'), { out: (t) => out.push(t), err: () => undefined, stdin: async () => '', env: {} });
    expect(out.join('\n')).toBe('A: 1\n\ncafé\nend');
  });

  it('stops reading once the headers and the preview lines are in', async () => {
    let pulled = 0;
    const source = Readable.from(
      (function* () {
        for (const part of ['H: v\r\n', '\r\n', 'a\r\nb\r\n', 'c\r\nd\r\n', 'e\r\n', 'f\r\n']) {
          pulled += 1;
          yield Buffer.from(part);
        }
      })(),
    );
    const head = await readHead(source, 2);
    expect(head).toEqual({ bytes: Buffer.from('H: v\r\n\r\na\r\nb\r\nc\r\nd\r\n'), complete: false });
    expect(pulled).toBe(4);
    expect(await readHead(chunks('H: v\n\nshort\n'), 2)).toEqual({ bytes: Buffer.from('H: v\n\nshort\n'), complete: true });
  });
});
