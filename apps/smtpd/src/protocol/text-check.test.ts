import { describe, expect, it } from 'vitest';
import { TextChecker, type TextProblem } from './text-check.js';

function check(text: string | Buffer, splits: number[] = []): TextProblem | undefined {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const c = new TextChecker();
  let prev = 0;
  for (const at of [...splits, bytes.length]) {
    c.check(bytes.subarray(prev, at));
    prev = at;
  }
  return c.finish();
}

const line = (n: number): string => `${'x'.repeat(n - 2)}\r\n`;

const cases: Array<[string, string, TextProblem | undefined]> = [
  ['clean', 'Subject: hi\r\n\r\nbody\r\n', undefined],
  ['empty', '', undefined],
  ['bare LF', 'a\nb\r\n', 'bare-lf'],
  ['bare CR', 'a\rb\r\n', 'bare-cr'],
  ['CR at the very end', 'a\r', 'bare-cr'],
  ['CR CR LF', 'a\r\r\n', 'bare-cr'],
  ['NUL', 'a\x00b\r\n', 'nul'],
  ['1000-octet line is fine', line(1000), undefined],
  ['1001-octet line', line(1001), 'long-line'],
  ['unterminated long line', 'x'.repeat(1001), 'long-line'],
  ['first problem wins', 'a\nb\x00\r\n', 'bare-lf'],
];

describe('TextChecker', () => {
  it.each(cases)('%s', (_name, text, want) => {
    expect(check(text)).toBe(want);
  });
  it.each(cases)('%s, split at every position', (_name, text, want) => {
    for (let i = 0; i <= text.length; i += text.length > 50 ? 97 : 1) expect(check(text, [i])).toBe(want);
  });
});
