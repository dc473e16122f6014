// SEARCH parser tables: every key, grouping, CHARSET, ESEARCH RETURN options and RFC examples.
import { describe, expect, it } from 'vitest';
import { ImapParseError } from '../errors.js';
import { parseSequenceSet } from '../sequence.js';
import { parseLine } from '../test-support.js';
import type { SearchKey } from './types.js';

const seq = parseSequenceSet;
const criteria = (line: string, utf8 = false): readonly SearchKey[] => {
  const command = parseLine(line, { utf8 });
  if (command.name !== 'SEARCH') throw new Error('not SEARCH');
  return command.criteria;
};

describe('parser: SEARCH keys', () => {
  const table: [string, SearchKey[]][] = [
    ['ALL', [{ key: 'ALL' }]],
    [
      'answered deleted draft flagged new old recent seen',
      ['ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN'].map((key) => ({ key }) as SearchKey),
    ],
    ['UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN', ['UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN'].map((key) => ({ key }) as SearchKey)],
    ['KEYWORD $Forwarded UNKEYWORD Junk', [{ key: 'KEYWORD', flag: '$Forwarded' }, { key: 'UNKEYWORD', flag: 'Junk' }]],
    [
      'BCC a BODY "b c" CC {1}\r\nd FROM e SUBJECT "" TEXT f TO g',
      [
        { key: 'BCC', value: 'a' },
        { key: 'BODY', value: 'b c' },
        { key: 'CC', value: 'd' },
        { key: 'FROM', value: 'e' },
        { key: 'SUBJECT', value: '' },
        { key: 'TEXT', value: 'f' },
        { key: 'TO', value: 'g' },
      ],
    ],
    ['HEADER Message-ID "<abc@example.com>"', [{ key: 'HEADER', field: 'Message-ID', value: '<abc@example.com>' }]],
    ['HEADER X-Spam-Flag ""', [{ key: 'HEADER', field: 'X-Spam-Flag', value: '' }]],
    [
      'BEFORE 1-Feb-1994 ON "01-feb-1994" SINCE 29-Feb-2024',
      [
        { key: 'BEFORE', date: { year: 1994, month: 2, day: 1 } },
        { key: 'ON', date: { year: 1994, month: 2, day: 1 } },
        { key: 'SINCE', date: { year: 2024, month: 2, day: 29 } },
      ],
    ],
    [
      'SENTBEFORE 31-Dec-2023 SENTON 1-Jan-2024 SENTSINCE 15-Jun-2020',
      [
        { key: 'SENTBEFORE', date: { year: 2023, month: 12, day: 31 } },
        { key: 'SENTON', date: { year: 2024, month: 1, day: 1 } },
        { key: 'SENTSINCE', date: { year: 2020, month: 6, day: 15 } },
      ],
    ],
    ['LARGER 1024 SMALLER 10000000000', [{ key: 'LARGER', size: 1024 }, { key: 'SMALLER', size: 10000000000 }]],
    ['OLDER 3600 YOUNGER 60', [{ key: 'OLDER', seconds: 3600 }, { key: 'YOUNGER', seconds: 60 }]],
    ['UID 1:*', [{ key: 'UID', set: seq('1:*') }]],
    ['1:5,7 UNSEEN', [{ key: 'SEQ', set: seq('1:5,7') }, { key: 'UNSEEN' }]],
    ['*', [{ key: 'SEQ', set: seq('*') }]],
    ['$', [{ key: 'SEQ', set: seq('$') }]],
    ['UID $', [{ key: 'UID', set: seq('$') }]],
    ['NOT DELETED', [{ key: 'NOT', operand: { key: 'DELETED' } }]],
    ['NOT NOT SEEN', [{ key: 'NOT', operand: { key: 'NOT', operand: { key: 'SEEN' } } }]],
    ['OR SEEN FLAGGED', [{ key: 'OR', left: { key: 'SEEN' }, right: { key: 'FLAGGED' } }]],
    [
      'OR (FROM a TO b) SUBJECT c',
      [{ key: 'OR', left: { key: 'AND', operands: [{ key: 'FROM', value: 'a' }, { key: 'TO', value: 'b' }] }, right: { key: 'SUBJECT', value: 'c' } }],
    ],
    [
      'OR OR FROM x TO x CC x',
      [{ key: 'OR', left: { key: 'OR', left: { key: 'FROM', value: 'x' }, right: { key: 'TO', value: 'x' } }, right: { key: 'CC', value: 'x' } }],
    ],
    ['((SEEN))', [{ key: 'AND', operands: [{ key: 'AND', operands: [{ key: 'SEEN' }] }] }]],
    ['NOT (1:3 UID 5)', [{ key: 'NOT', operand: { key: 'AND', operands: [{ key: 'SEQ', set: seq('1:3') }, { key: 'UID', set: seq('5') }] } }]],
    ['MODSEQ 620162338', [{ key: 'MODSEQ', modseq: 620162338, entry: null }]],
    ['MODSEQ "/flags/\\\\draft" all 620162338', [{ key: 'MODSEQ', modseq: 620162338, entry: { name: '/flags/\\draft', type: 'all' } }]],
  ];
  it.each(table)('%s', (keys, expected) => {
    expect(criteria(`a SEARCH ${keys}`)).toEqual(expected);
  });
});

describe('parser: SEARCH program', () => {
  it('RFC 9051 §6.4.4 example with ESEARCH return options', () => {
    expect(parseLine('A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toEqual({
      tag: 'A282',
      name: 'SEARCH',
      uid: false,
      charset: null,
      returns: { min: true, max: false, all: false, count: true, save: false },
      criteria: [
        { key: 'FLAGGED' },
        { key: 'SINCE', date: { year: 1994, month: 2, day: 1 } },
        { key: 'NOT', operand: { key: 'FROM', value: 'Smith' } },
      ],
    });
  });

  it('RETURN () means ALL; SAVE is kept', () => {
    expect(parseLine('a UID SEARCH RETURN () UNSEEN')).toMatchObject({ uid: true, returns: { all: true, min: false } });
    expect(parseLine('a SEARCH RETURN (SAVE MIN MAX ALL) UNSEEN')).toMatchObject({ returns: { save: true, min: true, max: true, all: true } });
  });

  it('decodes strings with the CHARSET', () => {
    const latin1 = Buffer.concat([Buffer.from('a SEARCH CHARSET ISO-8859-1 SUBJECT {3}\r\n'), Buffer.from([0x66, 0xfc, 0x72])]);
    expect(parseLine(latin1)).toMatchObject({ charset: 'ISO-8859-1', criteria: [{ key: 'SUBJECT', value: 'f\u00fcr' }] });
    expect(parseLine('a SEARCH CHARSET utf-8 TEXT {5}\r\n\u00fcber')).toMatchObject({ charset: 'UTF-8', criteria: [{ key: 'TEXT', value: '\u00fcber' }] });
    expect(parseLine('a SEARCH TEXT "\u00fcber"', { utf8: true })).toMatchObject({ charset: null, criteria: [{ key: 'TEXT', value: '\u00fcber' }] });
  });

  it('answers an unknown charset with NO [BADCHARSET]', () => {
    expect(() => parseLine('a SEARCH CHARSET X-NO-SUCH TEXT x')).toThrow(
      expect.objectContaining({ tag: 'a', status: 'NO', code: { code: 'BADCHARSET', charsets: ['UTF-8', 'US-ASCII'] } }),
    );
  });

  it('refuses strings that are not valid in the charset', () => {
    const bad = Buffer.concat([Buffer.from('a SEARCH CHARSET UTF-8 TEXT {1}\r\n'), Buffer.from([0xff])]);
    expect(() => parseLine(bad)).toThrow(expect.objectContaining({ tag: 'a', status: 'BAD' }));
  });

  const bad: [string, string][] = [
    ['a SEARCH', 'Missing arguments'],
    ['a SEARCH BOGUS', 'Unknown search key'],
    ['a SEARCH SINCE 31-Apr-2024', 'Invalid date'],
    ['a SEARCH SINCE 2024-01-01', 'Invalid date'],
    ['a SEARCH RETURN (PARTIAL 1:10) ALL', 'Unknown SEARCH return option'],
    ['a SEARCH OR SEEN', 'Missing arguments'],
    ['a SEARCH ()', 'Empty search group'],
    ['a SEARCH (SEEN', 'Expected ")" to close search group'],
    ['a SEARCH KEYWORD \\Seen', 'Expected a keyword, not a system flag'],
    ['a SEARCH HEADER "Sub ject" x', 'Invalid header field name'],
    ['a SEARCH OLDER 0', 'Interval must not be zero'],
    ['a SEARCH MODSEQ "/flags/x" bogus 5', 'Invalid MODSEQ entry type'],
    ['a SEARCH LARGER 99999999999999999999', 'Size out of range'],
  ];
  it.each(bad)('%s', (line, message) => {
    expect(() => parseLine(line)).toThrow(new ImapParseError(message).message);
  });
});
