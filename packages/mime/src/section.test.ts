// Section specification parsing, part lookup and byte ranges (RFC 3501 §6.4.5), and HEADER.FIELDS filtering.
import { describe, expect, it } from 'vitest';
import { filterHeaderFields, parseSection, SectionSyntaxError, sectionRange } from './section.js';
import { parseStructureSync } from './structure.js';

const MSG = Buffer.from(
  [
    'From: a@example.com',
    'Subject: sections',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'part one',
    '--b',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    'X-Folded: a',
    ' b',
    'Content-Type: multipart/alternative; boundary="c"',
    '',
    '--c',
    '',
    'inner text',
    '--c',
    'Content-Type: text/html',
    '',
    '<p>inner</p>',
    '--c--',
    '--b--',
    '',
  ].join('\r\n'),
  'latin1',
);
const structure = parseStructureSync(MSG);

function fetch(section: string): string | null {
  const r = sectionRange(structure, section);
  if (!r) return null;
  const bytes = MSG.subarray(r.start, r.end);
  return (r.fields ? filterHeaderFields(bytes, r.fields.names, r.fields.not) : bytes).toString('latin1');
}

describe('parseSection', () => {
  it.each([
    ['', { path: [], text: null, fields: [] }],
    ['1.2', { path: [1, 2], text: null, fields: [] }],
    ['2.MIME', { path: [2], text: 'MIME', fields: [] }],
    ['header', { path: [], text: 'HEADER', fields: [] }],
    ['2.HEADER.FIELDS (Subject "X-Folded")', { path: [2], text: 'HEADER.FIELDS', fields: ['Subject', 'X-Folded'] }],
    ['HEADER.FIELDS.NOT (From)', { path: [], text: 'HEADER.FIELDS.NOT', fields: ['From'] }],
  ])('%j', (input, expected) => {
    expect(parseSection(input)).toEqual(expected);
  });

  it.each(['MIME', '0', '1..2', 'HEADER.FIELDS', 'HEADER.FIELDS ()', 'BODY', '1.X'])('rejects %j', (input) => {
    expect(() => parseSection(input)).toThrow(SectionSyntaxError);
  });
});

describe('sectionRange', () => {
  it.each([
    ['1', 'part one'],
    ['1.MIME', 'Content-Type: text/plain\r\n\r\n'],
    ['2.HEADER', 'Subject: inner\r\nX-Folded: a\r\n b\r\nContent-Type: multipart/alternative; boundary="c"\r\n\r\n'],
    ['2.1', 'inner text'],
    ['2.2', '<p>inner</p>'],
    ['2.2.MIME', 'Content-Type: text/html\r\n\r\n'],
    ['2.HEADER.FIELDS (x-folded)', 'X-Folded: a\r\n b\r\n\r\n'],
    ['2.HEADER.FIELDS.NOT (Content-Type Subject)', 'X-Folded: a\r\n b\r\n\r\n'],
    ['HEADER.FIELDS (Subject)', 'Subject: sections\r\n\r\n'],
    ['HEADER.FIELDS (Nothing)', '\r\n'],
    ['3', null],
    ['1.1', 'part one'],
    ['1.1.1', null],
    ['1.2', null],
    ['1.HEADER', null],
  ])('BODY[%s]', (section, expected) => {
    expect(fetch(section)).toBe(expected);
  });

  it('covers the whole message, its header and text', () => {
    expect(fetch('')).toBe(MSG.toString('latin1'));
    expect(fetch('HEADER')).toMatch(/^From: .*boundary="b"\r\n\r\n$/s);
    expect(fetch('TEXT')!.startsWith('--b\r\n')).toBe(true);
  });

  it('treats a non-multipart message as having part 1', () => {
    const msg = Buffer.from('Subject: x\n\nbody\n');
    const s = parseStructureSync(msg);
    const r = sectionRange(s, '1')!;
    expect(msg.subarray(r.start, r.end).toString()).toBe('body\n');
    const m = sectionRange(s, '1.MIME')!;
    expect(msg.subarray(m.start, m.end).toString()).toBe('Subject: x\n\n');
  });
});

describe('filterHeaderFields', () => {
  it('keeps LF line endings as stored', () => {
    expect(filterHeaderFields(Buffer.from('A: 1\nB: 2\n\tcont\n\n'), ['b'], false).toString()).toBe('B: 2\n\tcont\n\n');
  });
});
