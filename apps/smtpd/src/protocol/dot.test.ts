import { describe, expect, it } from 'vitest';
import { DotDecoder } from './dot.js';

/** Feeds `input` split at the given offsets; returns the decoded body, the octets left after the end, and whether it ended. */
function run(input: string, splits: number[] = []): { body: string; rest: string; end: boolean } {
  const bytes = Buffer.from(input, 'latin1');
  const d = new DotDecoder();
  const parts: Buffer[] = [];
  let prev = 0;
  for (const at of [...splits, bytes.length]) {
    const piece = bytes.subarray(prev, at);
    const r = d.decode(piece);
    parts.push(...r.output);
    if (r.end) return { body: Buffer.concat(parts).toString('latin1'), rest: Buffer.concat([piece.subarray(r.consumed), bytes.subarray(at)]).toString('latin1'), end: true };
    prev = at;
  }
  return { body: Buffer.concat(parts).toString('latin1'), rest: '', end: false };
}

const cases: Array<[string, string, { body: string; rest: string; end: boolean }]> = [
  ['empty message', '.\r\n', { body: '', rest: '', end: true }],
  ['one line', 'a\r\n.\r\n', { body: 'a\r\n', rest: '', end: true }],
  ['pipelined command after the end', 'a\r\n.\r\nQUIT\r\n', { body: 'a\r\n', rest: 'QUIT\r\n', end: true }],
  ['dot-stuffing', '..a\r\n..\r\n.\r\n', { body: '.a\r\n.\r\n', rest: '', end: true }],
  ['single leading dot removed', '.a\r\n.\r\n', { body: 'a\r\n', rest: '', end: true }],
  ['dot inside a line', 'a.b\r\n.\r\n', { body: 'a.b\r\n', rest: '', end: true }],
  ['no end yet', 'a\r\nb\r\n', { body: 'a\r\nb\r\n', rest: '', end: false }],
  ['dot then space is not the end', '. \r\n.\r\n', { body: ' \r\n', rest: '', end: true }],
  // SMTP smuggling vectors: none of them ends the data.
  ['\\n.\\n', 'a\n.\nMAIL FROM:<x@y>\r\n', { body: 'a\n.\nMAIL FROM:<x@y>\r\n', rest: '', end: false }],
  ['\\n.\\r\\n', 'a\n.\r\nMAIL FROM:<x@y>\r\n', { body: 'a\n.\r\nMAIL FROM:<x@y>\r\n', rest: '', end: false }],
  ['\\r.\\r', 'a\r.\rMAIL FROM:<x@y>\r\n', { body: 'a\r.\rMAIL FROM:<x@y>\r\n', rest: '', end: false }],
  ['\\r\\n.\\n', 'a\r\n.\nMAIL FROM:<x@y>\r\n', { body: 'a\r\n\nMAIL FROM:<x@y>\r\n', rest: '', end: false }],
  ['\\n.\\r', 'a\n.\rMAIL FROM:<x@y>\r\n', { body: 'a\n.\rMAIL FROM:<x@y>\r\n', rest: '', end: false }],
  ['\\r.\\r\\n', 'a\r.\r\nMAIL FROM:<x@y>\r\n', { body: 'a\r.\r\nMAIL FROM:<x@y>\r\n', rest: '', end: false }],
  ['\\r\\n.\\r then not LF', 'a\r\n.\rX\r\n.\r\n', { body: 'a\r\n\rX\r\n', rest: '', end: true }],
  ['smuggled then real end', 'a\n.\nRCPT TO:<v@x>\r\n.\r\nQUIT\r\n', { body: 'a\n.\nRCPT TO:<v@x>\r\n', rest: 'QUIT\r\n', end: true }],
];

describe('DotDecoder', () => {
  it.each(cases)('%s', (_name, input, want) => {
    expect(run(input)).toEqual(want);
  });

  it.each(cases)('%s, split at every position', (_name, input, want) => {
    for (let i = 0; i <= input.length; i++) expect(run(input, [i])).toEqual(want);
  });

  it.each(cases)('%s, one octet at a time', (_name, input, want) => {
    const splits = Array.from({ length: input.length }, (_, i) => i);
    expect(run(input, splits)).toEqual(want);
  });

  it('ignores input after the end', () => {
    const d = new DotDecoder();
    expect(d.decode(Buffer.from('.\r\n')).end).toBe(true);
    expect(d.decode(Buffer.from('more'))).toEqual({ output: [], consumed: 0, end: true });
  });
});
