// Table tests of the line framer: line endings, chunk boundaries, the length limit and STLS clearing.
import { describe, expect, it } from 'vitest';
import { LineFramer, type Line } from './framer.js';

const text = (lines: Line[]): Array<string | null> => lines.map((l) => (l.kind === 'line' ? l.bytes.toString('latin1') : null));

describe('LineFramer', () => {
  const cases: Array<[string, string[], number, Array<string | null>]> = [
    ['one CRLF line', ['USER a\r\n'], 100, ['USER a']],
    ['bare LF', ['USER a\n'], 100, ['USER a']],
    ['two lines in one chunk', ['STAT\r\nLIST\r\n'], 100, ['STAT', 'LIST']],
    ['split across chunks', ['ST', 'AT\r', '\nLI', 'ST\r\n'], 100, ['STAT', 'LIST']],
    ['incomplete line stays buffered', ['STAT\r\nLIS'], 100, ['STAT']],
    ['empty line', ['\r\n'], 100, ['']],
    ['CR inside a line is kept', ['A\rB\r\n'], 100, ['A\rB']],
    ['exactly the limit (CRLF included)', ['12345678\r\n'], 10, ['12345678']],
    ['one over the limit', ['123456789\r\n'], 10, [null]],
    ['over the limit in pieces, then a good line', ['12345', '67890', '12', '3\r\nNOOP\r\n'], 10, [null, 'NOOP']],
    ['over the limit without CR', ['1234567890\n'], 10, [null]],
    ['exactly the limit with bare LF', ['123456789\n'], 10, ['123456789']],
  ];
  it.each(cases)('%s', (_name, chunks, max, expected) => {
    const f = new LineFramer(max);
    const out: Line[] = [];
    for (const c of chunks) out.push(...f.push(Buffer.from(c, 'latin1')));
    expect(text(out)).toEqual(expected);
  });

  it('reports a long line once and bounds what it buffers', () => {
    const f = new LineFramer(16);
    const out: Line[] = [];
    for (let i = 0; i < 100; i++) out.push(...f.push(Buffer.alloc(1000, 0x41)));
    expect(f.pending).toBe(0);
    out.push(...f.push(Buffer.from('\r\nQUIT\r\n')));
    expect(text(out)).toEqual([null, 'QUIT']);
  });

  it('clear() forgets a partial line', () => {
    const f = new LineFramer(100);
    f.push(Buffer.from('USER mallory'));
    f.clear();
    expect(text(f.push(Buffer.from('CAPA\r\n')))).toEqual(['CAPA']);
  });
});
