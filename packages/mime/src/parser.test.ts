// Structure parser tests: exact offsets and sizes, boundary edge cases, chunking independence, limits, large input.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StructureParser } from './parser.js';
import { parseStructure, parseStructureSync } from './structure.js';
import type { MimePart } from './types.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');
const lf = (s: string): Buffer => Buffer.from(s, 'latin1');

const MIXED = `From: a@example.com
Subject: test
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

preamble
--b
Content-Type: text/plain

one
--b
Content-Type: message/rfc822

Subject: inner

inner body
--b--
epilogue
`;

function slice(msg: Buffer, start: number, end: number): string {
  return msg.subarray(start, end).toString('latin1');
}

/** A compact outline of a part tree: kind and child outlines. */
function outline(p: MimePart): unknown {
  return p.parts.length > 0 ? [p.kind, ...p.parts.map(outline)] : p.kind;
}

describe('parseStructure offsets', () => {
  it('gives exact header and body ranges for every part (CRLF)', () => {
    const msg = crlf(MIXED);
    const s = parseStructureSync(msg);
    expect(outline(s.root)).toEqual(['multipart', 'text', ['message', 'text']]);
    const [text, message] = s.root.parts as [MimePart, MimePart];
    expect(slice(msg, s.root.headerStart, s.root.bodyStart)).toMatch(/^From: .*boundary="b"\r\n\r\n$/s);
    expect(slice(msg, text.headerStart, text.bodyStart)).toBe('Content-Type: text/plain\r\n\r\n');
    expect(slice(msg, text.bodyStart, text.bodyEnd)).toBe('one');
    expect(slice(msg, message.bodyStart, message.bodyEnd)).toBe('Subject: inner\r\n\r\ninner body');
    const inner = message.parts[0]!;
    expect(slice(msg, inner.headerStart, inner.bodyStart)).toBe('Subject: inner\r\n\r\n');
    expect(slice(msg, inner.bodyStart, inner.bodyEnd)).toBe('inner body');
    expect(s.size).toBe(msg.length);
    expect(s.virtualSize).toBe(msg.length);
    expect(text.body).toEqual({ size: 3, lines: 0, virtualSize: 3 });
    expect(message.body.lines).toBe(2);
    expect(message.envelope?.subject).toBe('inner');
  });

  it('reports LF-only messages as stored, with CRLF sizes as virtual sizes', () => {
    const a = parseStructureSync(lf(MIXED));
    const b = parseStructureSync(crlf(MIXED));
    expect(a.size).toBe(lf(MIXED).length);
    expect(a.virtualSize).toBe(b.size);
    const message = a.root.parts[1]!;
    expect(message.body.size).toBe('Subject: inner\n\ninner body'.length);
    expect(message.body.virtualSize).toBe(b.root.parts[1]!.body.size);
  });

  it('attributes the line break before a boundary to the boundary', () => {
    const msg = crlf('Content-Type: multipart/mixed; boundary=x\n\n--x\n\nbody\n\n--x--\n');
    const part = parseStructureSync(msg).root.parts[0]!;
    expect(slice(msg, part.bodyStart, part.bodyEnd)).toBe('body\r\n');
  });

  it('ends a header at a boundary line and at an empty line directly before one', () => {
    const msg = crlf('Content-Type: multipart/mixed; boundary=x\n\n--x\nX-A: 1\n--x\nX-B: 2\n\n--x--\n');
    const [a, b] = parseStructureSync(msg).root.parts as [MimePart, MimePart];
    expect(slice(msg, a.headerStart, a.bodyStart)).toBe('X-A: 1');
    expect(slice(msg, b.headerStart, b.bodyStart)).toBe('X-B: 2\r\n');
    expect(b.body.size).toBe(0);
  });
});

describe('multipart edge cases', () => {
  const cases: [string, string, unknown][] = [
    ['boundary never found', 'Content-Type: multipart/mixed; boundary=zz\n\nno parts\n', 'multipart'],
    ['no boundary parameter', 'Content-Type: multipart/mixed\n\n--x\n\ntext\n', 'multipart'],
    ['unterminated', 'Content-Type: multipart/mixed; boundary=u\n\n--u\n\none\n--u\n\ntwo', ['multipart', 'text', 'text']],
    ['closed at once', 'Content-Type: multipart/mixed; boundary=c\n\n--c--\n', 'multipart'],
    [
      'digest defaults to message/rfc822',
      'Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: x\n\nbody\n--d--\n',
      ['multipart', ['message', 'text']],
    ],
    [
      'outer boundary closes inner parts',
      'Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/alternative; boundary=i\n\n--i\n\nin\n--o\n\nout\n--o--\n',
      ['multipart', ['multipart', 'text'], 'text'],
    ],
    ['no MIME without Content-Type or MIME-Version', 'Content-Disposition: attachment\n\nx', 'text'],
    ['message/rfc822 at the root', 'Content-Type: message/rfc822\n\nSubject: x\n\ny', ['message', 'text']],
    ['empty message', '', 'text'],
  ];
  it.each(cases)('%s', (_name, msg, expected) => {
    expect(outline(parseStructureSync(crlf(msg)).root)).toEqual(expected);
  });

  it('limits nesting depth', () => {
    let msg = '';
    for (let i = 0; i < 10; i++) msg += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
    msg += '\ntext\n';
    const root = parseStructureSync(crlf(msg), { maxNestedParts: 4 }).root;
    let depth = 0;
    for (let p: MimePart | undefined = root; p && p.parts.length > 0; p = p.parts[0]) depth++;
    expect(depth).toBe(3);
  });

  it('limits the number of parts; the last one runs to the end', () => {
    const msg = crlf('Content-Type: multipart/mixed; boundary=b\n\n' + '--b\n\nx\n'.repeat(50) + '--b--\n');
    const parts = parseStructureSync(msg, { maxTotalParts: 10 }).root.parts;
    expect(parts).toHaveLength(9);
    expect(parts[8]!.bodyEnd).toBe(msg.length);
  });
});

describe('chunking', () => {
  it('gives the same structure whatever the chunk sizes', () => {
    const msg = crlf(MIXED + 'trailing\rCR and a very long line ' + 'x'.repeat(300));
    const whole = parseStructureSync(msg, { maxLineBytes: 100 });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        const parser = new StructureParser({ maxLineBytes: 100 });
        let pos = 0;
        for (let i = 0; pos < msg.length; i++) {
          const n = sizes[i % sizes.length]!;
          parser.write(msg.subarray(pos, pos + n));
          pos += n;
        }
        expect(parser.end()).toEqual(whole);
      }),
    );
  });

  it('never throws and keeps ranges consistent on arbitrary input', () => {
    const alphabet = fc.constantFrom('--b', '--b--', '\r\n', '\n', 'Content-Type: multipart/mixed; boundary=b', 'Content-Type: message/rfc822', ': ', 'x', ' ', '\r');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), (pieces) => {
        const msg = Buffer.from(pieces.join(''), 'latin1');
        const s = parseStructureSync(msg);
        const check = (p: MimePart): void => {
          expect(p.headerStart).toBeLessThanOrEqual(p.bodyStart);
          expect(p.bodyStart).toBeLessThanOrEqual(p.bodyEnd);
          expect(p.bodyEnd).toBeLessThanOrEqual(msg.length);
          expect(p.body.size).toBe(p.bodyEnd - p.bodyStart);
          for (const c of p.parts) {
            expect(c.headerStart).toBeGreaterThanOrEqual(p.bodyStart);
            expect(c.bodyEnd).toBeLessThanOrEqual(p.bodyEnd);
            check(c);
          }
        };
        check(s.root);
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      }),
    );
  });
});

describe('streams', () => {
  it('parses a large message from a stream without holding it', async () => {
    const parts = 200;
    const chunk = Buffer.from('A'.repeat(76) + '\r\n');
    const linesPerPart = 700; // about 55 KB per part, 11 MB in all
    async function* generate(): AsyncGenerator<Buffer> {
      yield crlf('Content-Type: multipart/mixed; boundary=big\n\n');
      for (let i = 0; i < parts; i++) {
        yield crlf('--big\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n');
        for (let j = 0; j < linesPerPart; j++) yield chunk;
      }
      yield crlf('--big--\n');
    }
    const s = await parseStructure(Readable.from(generate()));
    expect(s.root.parts).toHaveLength(parts);
    expect(s.root.parts[5]!.body.lines).toBe(linesPerPart - 1);
    expect(s.root.parts[5]!.body.size).toBe(linesPerPart * chunk.length - 2);
  });
});
