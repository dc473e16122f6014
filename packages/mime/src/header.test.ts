// Header blocks, dates, Message-IDs and IMAP string quoting, as table tests.
import { describe, expect, it } from 'vitest';
import { parseDate } from './date.js';
import { getField, getFields, parseHeader, unfold } from './header.js';
import { forHumans, imapString, noLineBreaks, parseImapValue, toImapString } from './imap-value.js';
import { messageId, messageIds } from './message-id.js';

describe('parseHeader', () => {
  it('splits fields, keeps raw octets and folded lines', () => {
    const block = 'Subject: a\r\n  folded\r\nX-Empty:\r\nNoColon\r\nName :  value  \r\n\r\nbody: not a header\r\n';
    const fields = parseHeader(block);
    expect(fields.map((f) => [f.name, f.value, f.raw, f.offset])).toEqual([
      ['Subject', 'a\n  folded', 'Subject: a\r\n  folded\r\n', 0],
      ['X-Empty', '', 'X-Empty:\r\n', 22],
      ['NoColon', '', 'NoColon\r\n', 32],
      ['Name', 'value  ', 'Name :  value  \r\n', 41],
    ]);
    expect(unfold(fields[0]!.value)).toBe('a  folded');
    expect(getField(fields, 'subject')?.value).toBe('a\n  folded');
    expect(getFields(fields, 'NAME')).toHaveLength(1);
  });

  it('replaces NUL in values but keeps raw octets', () => {
    const [f] = parseHeader('Subject: a\0b\n\n');
    expect([f!.value, f!.raw]).toEqual(['a\xef\xbf\xbdb', 'Subject: a\0b\n']);
  });

  it('keeps one space of a value made only of whitespace', () => {
    expect(parseHeader('A:   \n\n')[0]!.value).toBe('  ');
  });

  it('reads a header without an ending empty line to the end', () => {
    expect(parseHeader(Buffer.from('A: 1\nB: 2')).map((f) => f.value)).toEqual(['1', '2']);
  });
});

describe('parseDate', () => {
  it.each([
    ['Mon, 2 Jan 2023 10:00:00 +0100', Date.UTC(2023, 0, 2, 9), 60],
    ['2 Jan 2023 10:00 -0500', Date.UTC(2023, 0, 2, 15), -300],
    ['Fri, 21 Nov 97 09:55:06 GMT', Date.UTC(1997, 10, 21, 9, 55, 6), 0],
    ['Thu, 13 Feb 1969 23:32:54 -0330 (Newfoundland Time)', Date.UTC(1969, 1, 14, 3, 2, 54), -210],
    ['Tue, 1 Jul 2003 10:52:37 EDT', Date.UTC(2003, 6, 1, 14, 52, 37), -240],
    ['Tue,\n 1 Jul 2003\n 10:52:37 +0200', Date.UTC(2003, 6, 1, 8, 52, 37), 120],
    ['1 Jul 2003 10:52:37', Date.UTC(2003, 6, 1, 10, 52, 37), 0],
  ])('%j', (input, time, offset) => {
    expect(parseDate(input)).toEqual({ time, offsetMinutes: offset });
  });

  it.each(['', 'yesterday', '32 Jan 2023 10:00:00 +0000', '2 Foo 2023 10:00:00'])('rejects %j', (input) => {
    expect(parseDate(input)).toBeNull();
  });
});

describe('messageIds', () => {
  it.each([
    ['<a@b.example>', ['<a@b.example>']],
    ['  <a@b>  (comment)  <c@d> ', ['<a@b>', '<c@d>']],
    ['<"quoted local"@example.com>', ['<"quoted local"@example.com>']],
    ['<"plain"@example.com>', ['<plain@example.com>']],
    ['<a @ b>', ['<a@b>']],
    ['Your message of Mon <x@y>', ['<x@y>']],
    ['<no-at-sign>', ['<no-at-sign>']],
    ['<broken with space>', []],
    ['no ids', []],
  ])('%j', (input, expected) => {
    expect(messageIds(input)).toEqual(expected);
    expect(messageId(input)).toBe(expected[0] ?? null);
  });
});

describe('IMAP strings', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['a "quoted" \\', '"a \\"quoted\\" \\\\"'],
    ['"""""', '{5}\r\n"""""'],
    ['line\r\nbreak', '{11}\r\nline\r\nbreak'],
    ['caf\xe9', '{4}\r\ncaf\xe9'],
  ])('%j', (input, wire) => {
    expect(imapString(input)).toBe(wire);
  });

  it('writes leading lists of a list without spaces, as multipart bodies and address lists need', () => {
    expect(toImapString([['a'], ['b'], 'mixed', ['x', 'y']])).toBe('(("a")("b") "mixed" ("x" "y"))');
    expect(toImapString([null, 'subj', [['n', null, 'm', 'd'], ['o', null, 'p', 'q']], [['n', null, 'm', 'd']]])).toBe(
      '(NIL "subj" (("n" NIL "m" "d")("o" NIL "p" "q")) (("n" NIL "m" "d")))',
    );
  });

  it('serialises and parses nested values', () => {
    const value = ['text', 'plain', ['charset', 'us-ascii'], null, null, '7bit', 12, 1];
    const wire = toImapString(value);
    expect(wire).toBe('("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1)');
    expect(parseImapValue(wire)).toEqual(value);
  });

  it('cleans text for people and removes line breaks from other values', () => {
    expect(forHumans('  a\t\tb \r\n c  ')).toBe('a b c');
    expect(forHumans(' \t ')).toBe('');
    expect(noLineBreaks('a\n b')).toBe('a b');
    expect(noLineBreaks('a\nb')).toBe('a b');
    expect(noLineBreaks(null)).toBeNull();
  });
});

describe('hostile input', () => {
  it('parses huge whitespace runs in linear time', () => {
    const spaces = ' '.repeat(200_000);
    const start = Date.now();
    parseDate(`Mon,${spaces}x`);
    parseDate(`1${spaces}Jan${spaces}2023${spaces}10:00`);
    messageIds(`<${spaces}`);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
