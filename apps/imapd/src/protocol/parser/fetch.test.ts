// FETCH parser tables: macros, every data item, sections, partials, BINARY, modifiers; section formatting.
import { describe, expect, it } from 'vitest';
import { ImapParseError } from '../errors.js';
import { parseSequenceSet } from '../sequence.js';
import { parseLine } from '../test-support.js';
import { formatSection } from './fetch.js';
import type { BodySection, FetchAttribute } from './types.js';

const attrs = (items: string): readonly FetchAttribute[] => {
  const command = parseLine(`a FETCH 1 ${items}`);
  if (command.name !== 'FETCH') throw new Error('not FETCH');
  return command.attributes;
};
const section = (part: number[], text: BodySection['text'] = null, fields: string[] = []): BodySection => ({ part, text, fields });
const body = (s: BodySection, peek = false, partial: { offset: number; length: number } | null = null): FetchAttribute => ({
  kind: 'BODY[]',
  peek,
  section: s,
  partial,
});

describe('parser: FETCH data items', () => {
  const table: [string, FetchAttribute[]][] = [
    ['FLAGS', [{ kind: 'FLAGS' }]],
    ['(flags uid)', [{ kind: 'FLAGS' }, { kind: 'UID' }]],
    [
      '(ENVELOPE INTERNALDATE RFC822.SIZE BODY BODYSTRUCTURE MODSEQ RFC822 RFC822.HEADER RFC822.TEXT)',
      ['ENVELOPE', 'INTERNALDATE', 'RFC822.SIZE', 'BODY', 'BODYSTRUCTURE', 'MODSEQ', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'].map(
        (kind) => ({ kind }) as FetchAttribute,
      ),
    ],
    ['BODY[]', [body(section([]))]],
    ['BODY.PEEK[]', [body(section([]), true)]],
    ['body[header]', [body(section([], 'HEADER'))]],
    ['BODY[TEXT]', [body(section([], 'TEXT'))]],
    ['BODY[1]', [body(section([1]))]],
    ['BODY[1.2.3]', [body(section([1, 2, 3]))]],
    ['BODY[4.2.MIME]', [body(section([4, 2], 'MIME'))]],
    ['BODY[3.HEADER]', [body(section([3], 'HEADER'))]],
    ['BODY[2.TEXT]', [body(section([2], 'TEXT'))]],
    ['BODY[HEADER.FIELDS (DATE FROM)]', [body(section([], 'HEADER.FIELDS', ['DATE', 'FROM']))]],
    ['BODY.PEEK[HEADER.FIELDS.NOT (Received "X-Spam")]', [body(section([], 'HEADER.FIELDS.NOT', ['Received', 'X-Spam']), true)]],
    ['BODY[1.HEADER.FIELDS (Subject)]', [body(section([1], 'HEADER.FIELDS', ['Subject']))]],
    ['BODY[]<0.2048>', [body(section([]), false, { offset: 0, length: 2048 })]],
    ['BODY.PEEK[TEXT]<100.50>', [body(section([], 'TEXT'), true, { offset: 100, length: 50 })]],
    ['BINARY[]', [{ kind: 'BINARY[]', peek: false, part: [], partial: null }]],
    ['BINARY.PEEK[1.2]<0.10>', [{ kind: 'BINARY[]', peek: true, part: [1, 2], partial: { offset: 0, length: 10 } }]],
    ['BINARY.SIZE[3]', [{ kind: 'BINARY.SIZE', part: [3] }]],
  ];
  it.each(table)('%s', (items, expected) => {
    expect(attrs(items)).toEqual(expected);
  });

  it.each([
    ['ALL', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']],
    ['fast', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']],
    ['FULL', ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']],
  ])('macro %s', (macro, kinds) => {
    expect(parseLine(`a FETCH 1:* ${macro}`)).toMatchObject({ macro: macro.toUpperCase(), attributes: kinds.map((kind) => ({ kind })) });
  });

  it('RFC 9051 §6.4.5 example', () => {
    expect(parseLine('A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])')).toEqual({
      tag: 'A654',
      name: 'FETCH',
      uid: false,
      set: parseSequenceSet('2:4'),
      attributes: [{ kind: 'FLAGS' }, body(section([], 'HEADER.FIELDS', ['DATE', 'FROM']))],
      macro: null,
      changedSince: null,
      vanished: false,
    });
  });

  it('CONDSTORE and QRESYNC modifiers (RFC 7162)', () => {
    expect(parseLine('s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)')).toMatchObject({ uid: true, changedSince: 12345, vanished: false });
    expect(parseLine('s101 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)')).toMatchObject({ changedSince: 12345, vanished: true });
    expect(parseLine('s102 FETCH 1:* FLAGS (CHANGEDSINCE 0)')).toMatchObject({ changedSince: 0 });
  });

  const bad: [string, string][] = [
    ['a FETCH 1 ()', 'Empty fetch attributes'],
    ['a FETCH 1 (ALL)', 'Unknown fetch attribute'],
    ['a FETCH 1 BOGUS', 'Unknown fetch attribute'],
    ['a FETCH 1 RFC822.PEEK', 'Unknown fetch attribute'],
    ['a FETCH 1 BODY[MIME]', 'Invalid section'],
    ['a FETCH 1 BODY[0]', 'Part number must not be zero'],
    ['a FETCH 1 BODY[1.]', 'Expected section'],
    ['a FETCH 1 BODY[HEADER.FIELDS]', 'Expected a space'],
    ['a FETCH 1 BODY[HEADER.FIELDS ()]', 'Empty header field list'],
    ['a FETCH 1 BODY[HEADER.FIELDS (a:b)]', 'Invalid header field name'],
    ['a FETCH 1 BODY[TEXT', 'Expected "]" to close the section'],
    ['a FETCH 1 BODY[]<0>', 'Expected "." in partial range'],
    ['a FETCH 1 BODY[]<0.0>', 'Partial length must not be zero'],
    ['a FETCH 1 BINARY[TEXT]', 'Expected "]" to close the section'],
    ['a FETCH 1 BINARY.SIZE', 'Unknown fetch attribute'],
    ['a FETCH 1 FLAGS (VANISHED)', 'VANISHED needs UID FETCH with CHANGEDSINCE'],
    ['a FETCH 1 FLAGS (FOO)', 'Unknown fetch modifier'],
    ['a FETCH FLAGS', 'Expected a sequence set'],
  ];
  it.each(bad)('%s', (line, message) => {
    expect(() => parseLine(line)).toThrow(new ImapParseError(message).message);
  });
});

describe('formatSection', () => {
  it.each([
    [section([]), ''],
    [section([1, 2]), '1.2'],
    [section([], 'HEADER'), 'HEADER'],
    [section([3], 'MIME'), '3.MIME'],
    [section([], 'HEADER.FIELDS', ['From', 'To']), 'HEADER.FIELDS (From To)'],
    [section([2], 'HEADER.FIELDS.NOT', ['X(1)']), '2.HEADER.FIELDS.NOT ("X(1)")'],
  ])('%j → %s', (s, text) => {
    expect(formatSection(s)).toBe(text);
  });
});
