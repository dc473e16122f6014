// Tests of the RETR/TOP body encoder, with the WebAssembly routine and with the JavaScript loop: CRLF conversion,
// byte-stuffing, TOP cuts, every table input split at every pair of chunk boundaries and in one-octet chunks, a
// property test over random boundaries, the octet count matching the stored vsize, and the copy-free pass-through of
// chunks that need no change.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { VECTOR_CHUNK, vectorAvailable } from './crlf-wasm.js';
import { MessageEncoder } from './message-encoder.js';

let vector = true;

function encode(message: string | Buffer, chunks: readonly number[] = [], bodyLines?: number): { out: string; octets: number } {
  const data = typeof message === 'string' ? Buffer.from(message, 'latin1') : message;
  const enc = new MessageEncoder(bodyLines === undefined ? { vector } : { bodyLines, vector });
  const parts: Buffer[] = [];
  let pos = 0;
  for (const size of chunks) {
    if (enc.done) break;
    parts.push(enc.encode(data.subarray(pos, pos + size)));
    pos += size;
  }
  if (pos < data.length && !enc.done) parts.push(enc.encode(data.subarray(pos)));
  parts.push(enc.finish());
  return { out: Buffer.concat(parts).toString('latin1'), octets: enc.octets };
}

/** Size with bare LFs counted as CRLF (what the store records as vsize). */
function vsize(message: string): number {
  let n = 0;
  for (let i = 0; i < message.length; i++) n += message[i] === '\n' && message[i - 1] !== '\r' ? 2 : 1;
  return n;
}

/** Chunk sizes splitting a message of `length` octets: unsplit, at every offset, at every pair, one octet each. */
function splits(length: number): number[][] {
  const out: number[][] = [[], Array.from({ length }, () => 1)];
  for (let i = 1; i < length; i++) {
    out.push([i]);
    for (let j = i + 1; j < length; j++) out.push([i, j - i]);
  }
  return out;
}

it('loads the WebAssembly routine', () => {
  expect(vectorAvailable).toBe(true);
});

describe.each([
  ['WebAssembly routine', true],
  ['JavaScript loop', false],
])('MessageEncoder with the %s', (_name, useVector) => {
  beforeAll(() => {
    vector = useVector;
  });
  const retrCases: Array<[string, string, string]> = [
    ['CRLF message', 'A: b\r\n\r\nbody\r\n', 'A: b\r\n\r\nbody\r\n.\r\n'],
    ['LF message', 'A: b\n\nbody\n', 'A: b\r\n\r\nbody\r\n.\r\n'],
    ['mixed endings', 'A: b\r\n\nx\ny\r\n', 'A: b\r\n\r\nx\r\ny\r\n.\r\n'],
    ['no final line ending', 'A: b\n\nlast', 'A: b\r\n\r\nlast\r\n.\r\n'],
    ['empty message', '', '.\r\n'],
    ['dot lines are stuffed', 'A: b\n\n.\n..x\n.\r\nend\n', 'A: b\r\n\r\n..\r\n...x\r\n..\r\nend\r\n.\r\n'],
    ['dot not at line start is left alone', 'A: b\n\na.b\n', 'A: b\r\n\r\na.b\r\n.\r\n'],
    ['bare CR is kept', 'A: b\r\n\r\nx\ry\r\n', 'A: b\r\n\r\nx\ry\r\n.\r\n'],
    ['CR CR LF', 'x\r\r\n', 'x\r\r\n.\r\n'],
    ['bare CR at the end', 'A: b\n\nx\r', 'A: b\r\n\r\nx\r\r\n.\r\n'],
    ['a dot first in the message', '.A: b\n\n.\n', '..A: b\r\n\r\n..\r\n.\r\n'],
    ['only a dot', '.', '..\r\n.\r\n'],
    ['only line endings', '\n\r\n\n', '\r\n\r\n\r\n.\r\n'],
    ['dot lines after CRLF', 'a\r\n.b\r\n.\r\n', 'a\r\n..b\r\n..\r\n.\r\n'],
    ['dot line without final line ending', 'a\n.', 'a\r\n..\r\n.\r\n'],
    ['CRLF message without dot lines', 'A: b\r\n\r\nbody\r\nmore\r\n', 'A: b\r\n\r\nbody\r\nmore\r\n.\r\n'],
    ['long lines (copied in runs)', `A: b\n\n${'x'.repeat(300)}\n.${'y'.repeat(200)}\r\n`, `A: b\r\n\r\n${'x'.repeat(300)}\r\n..${'y'.repeat(200)}\r\n.\r\n`],
  ];

  it.each(retrCases)('%s', (_name, input, expected) => {
    const { out, octets } = encode(input);
    expect(out).toBe(expected);
    expect(octets).toBe(vsize(input));
  });

  it.each(retrCases.filter(([, input]) => input.length < 64))('%s, split at every chunk boundary', (_name, input, expected) => {
    for (const chunks of splits(input.length)) {
      const { out, octets } = encode(input, chunks);
      expect(out, JSON.stringify(chunks)).toBe(expected);
      expect(octets).toBe(vsize(input));
    }
  });

  const topCases: Array<[string, string, number, string]> = [
    ['header only for 0 lines', 'A: b\nC: d\n\nl1\nl2\nl3\n', 0, 'A: b\r\nC: d\r\n\r\n.\r\n'],
    ['two body lines', 'A: b\n\nl1\nl2\nl3\n', 2, 'A: b\r\n\r\nl1\r\nl2\r\n.\r\n'],
    ['more lines than the body has', 'A: b\n\nl1\n', 10, 'A: b\r\n\r\nl1\r\n.\r\n'],
    ['no body at all', 'A: b\n', 3, 'A: b\r\n.\r\n'],
    ['stuffed line in the body', 'A: b\r\n\r\n.l1\r\nl2\r\n', 1, 'A: b\r\n\r\n..l1\r\n.\r\n'],
    ['CRLF empty line ends the header', 'A: b\r\n\r\nl1\r\nl2\r\n', 1, 'A: b\r\n\r\nl1\r\n.\r\n'],
    ['a line of one CR is not empty', 'A: b\n\r\r\nC: d\n\nl1\nl2\n', 1, 'A: b\r\n\r\r\nC: d\r\n\r\nl1\r\n.\r\n'],
    ['last body line without line ending', 'A: b\n\nl1\nl2', 5, 'A: b\r\n\r\nl1\r\nl2\r\n.\r\n'],
    ['stops before a dot line', 'A: b\n\nl1\n.l2\n', 1, 'A: b\r\n\r\nl1\r\n.\r\n'],
    ['header without body, no line ending', 'A: b', 2, 'A: b\r\n.\r\n'],
  ];

  it.each(topCases)('TOP: %s', (_name, input, lines, expected) => {
    expect(encode(input, [], lines).out).toBe(expected);
  });

  it.each(topCases)('TOP: %s, split at every chunk boundary', (_name, input, lines, expected) => {
    for (const chunks of splits(input.length)) expect(encode(input, chunks, lines).out, JSON.stringify(chunks)).toBe(expected);
  });

  it('passes a chunk that needs no change through without copying it', () => {
    const enc = new MessageEncoder({ vector });
    const crlf = Buffer.from('A: b\r\n\r\nbody\r\n');
    expect(enc.encode(crlf)).toBe(crlf);
    expect(enc.octets).toBe(crlf.length);
    const lf = Buffer.from('x\n');
    expect(enc.encode(lf)).not.toBe(lf);
  });

  it('counts and converts a chunk with more insertions than its first scratch space holds', () => {
    const input = '\n.'.repeat(5000);
    const { out, octets } = encode(input, [4097]);
    expect(out).toBe(`${'\r\n..'.repeat(5000)}\r\n.\r\n`);
    expect(octets).toBe(vsize(input));
  });

  it('converts chunks larger than the WebAssembly routine takes, and long runs without a LF', () => {
    const line = `${'x'.repeat(70)}\n.${'y'.repeat(5000)}\r\n`;
    const input = line.repeat(Math.ceil((VECTOR_CHUNK + 1000) / line.length));
    const expected = `${input.replace(/\r?\n\./g, '\r\n..').replace(/(?<!\r)\n/g, '\r\n')}.\r\n`;
    for (const chunks of [[], [VECTOR_CHUNK], [VECTOR_CHUNK - 1, 2], [17, 4096]]) {
      const { out, octets } = encode(input, chunks);
      expect(out === expected, JSON.stringify(chunks)).toBe(true);
      expect(octets).toBe(vsize(input));
    }
  });

  it('says when TOP has what it needs, so the rest is not read', () => {
    const enc = new MessageEncoder({ bodyLines: 1, vector });
    enc.encode(Buffer.from('A: b\n\nl1\nl2'));
    expect(enc.done).toBe(true);
  });

  it('gives the same output whatever the chunk boundaries (property)', () => {
    const alphabet = fc.constantFrom('a', '.', '\r', '\n', 'Z', ' ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')), fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 60 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), (message, chunks, lines) => {
        const whole = encode(message, [], lines);
        const split = encode(message, chunks, lines);
        expect(split.out).toBe(whole.out);
        if (lines === undefined) {
          expect(whole.octets).toBe(vsize(message));
          // Un-stuffing and dropping the terminator gives back the CRLF form of the message.
          const body = whole.out.slice(0, -3);
          const unstuffed = body.split('\r\n').map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n');
          const crlf = message.replace(/(?<!\r)\n/g, '\r\n');
          expect(unstuffed).toBe(crlf.endsWith('\n') || crlf === '' ? crlf : `${crlf}\r\n`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
