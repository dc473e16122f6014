// IMAP dates: SEARCH date-text, APPEND date-time, INTERNALDATE formatting.
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, imapDateToUtc, parseDateText, parseDateTime } from './datetime.js';

describe('dates', () => {
  it.each([
    ['1-Feb-1994', { year: 1994, month: 2, day: 1 }],
    ['01-feb-1994', { year: 1994, month: 2, day: 1 }],
    ['29-Feb-2024', { year: 2024, month: 2, day: 29 }],
    ['31-DEC-0099', { year: 99, month: 12, day: 31 }],
  ])('%s', (text, date) => {
    expect(parseDateText(text)).toEqual(date);
  });

  it.each(['29-Feb-2023', '31-Apr-2024', '0-Jan-2024', '1-Foo-2024', '1-Jan-24', '2024-01-01', '1-Jan-2024 '])('refuses %j', (text) => {
    expect(parseDateText(text)).toBeNull();
  });

  it.each([
    ['17-Jul-1996 02:44:25 -0700', '1996-07-17T09:44:25.000Z'],
    [' 7-Jul-1996 02:44:25 +0000', '1996-07-07T02:44:25.000Z'],
    ['7-Jul-1996 02:44:25 +0530', '1996-07-06T21:14:25.000Z'],
    ['31-Dec-2023 23:59:60 -0000', '2023-12-31T23:59:59.000Z'],
  ])('date-time %j', (text, iso) => {
    expect(parseDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['17-Jul-1996 24:00:00 +0000', '17-Jul-1996 02:44 +0000', '17-Jul-1996 02:44:25', '17-Jul-1996 02:44:25 +0060', '30-Feb-1996 02:44:25 +0000'])(
    'refuses date-time %j',
    (text) => {
      expect(parseDateTime(text)).toBeNull();
    },
  );

  it('formats INTERNALDATE with a space-padded day', () => {
    expect(formatDateTime(new Date('1996-07-17T09:44:25Z'), -420)).toBe('17-Jul-1996 02:44:25 -0700');
    expect(formatDateTime(new Date('2024-03-05T01:02:03Z'))).toBe(' 5-Mar-2024 01:02:03 +0000');
    expect(formatDateTime(new Date('2024-03-05T01:02:03Z'), 330)).toBe(' 5-Mar-2024 06:32:03 +0530');
  });

  it('formats and converts SEARCH dates', () => {
    expect(formatDate({ year: 1994, month: 2, day: 1 })).toBe('1-Feb-1994');
    expect(imapDateToUtc({ year: 1994, month: 2, day: 1 })).toBe(Date.UTC(1994, 1, 1));
    expect(new Date(imapDateToUtc({ year: 99, month: 1, day: 1 })).getUTCFullYear()).toBe(99);
  });
});
