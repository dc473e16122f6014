// Sequence sets: parsing, resolution against message counts and UID lists (RFC 3501 §6.4.8), compression.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImapParseError } from './errors.js';
import {
  compressInOrder,
  compressSequence,
  formatSequenceSet,
  matchUidSet,
  parseSequenceSet,
  resolveSequenceNumbers,
  resolveUids,
  sequenceSetContains,
  sequenceSetOf,
} from './sequence.js';

describe('parseSequenceSet', () => {
  it.each([
    ['1', { ranges: [{ from: 1, to: 1 }], saved: false }],
    ['1:3,5', { ranges: [{ from: 1, to: 3 }, { from: 5, to: 5 }], saved: false }],
    ['*', { ranges: [{ from: '*', to: '*' }], saved: false }],
    ['5:*', { ranges: [{ from: 5, to: '*' }], saved: false }],
    ['*:5', { ranges: [{ from: '*', to: 5 }], saved: false }],
    ['10:2', { ranges: [{ from: 10, to: 2 }], saved: false }],
    ['$', { ranges: [], saved: true }],
    ['1,$', { ranges: [{ from: 1, to: 1 }], saved: true }],
    ['4294967295', { ranges: [{ from: 4294967295, to: 4294967295 }], saved: false }],
  ])('%s', (text, expected) => {
    expect(parseSequenceSet(text)).toEqual(expected);
    expect(formatSequenceSet(parseSequenceSet(text))).toBe(text);
  });

  it.each(['', '0', '01', '1:', ':1', '1,,2', '1:2:3', '4294967296', 'a', '1 2', '$:1', '-1', '1,'])('refuses %j', (text) => {
    expect(() => parseSequenceSet(text)).toThrow(ImapParseError);
  });
});

describe('resolveSequenceNumbers', () => {
  it.each([
    ['1:3,5', 10, [1, 2, 3, 5]],
    ['3:1', 10, [1, 2, 3]],
    ['*', 10, [10]],
    ['8:*', 10, [8, 9, 10]],
    ['*:8', 10, [8, 9, 10]],
    ['1:*', 3, [1, 2, 3]],
    ['2,2,1:2', 5, [1, 2]],
  ])('%s of %d messages', (text, count, numbers) => {
    expect(resolveSequenceNumbers(parseSequenceSet(text), count)).toEqual({ ok: true, numbers });
  });

  it('refuses numbers beyond the mailbox and "*" in an empty mailbox', () => {
    expect(resolveSequenceNumbers(parseSequenceSet('1:11'), 10)).toEqual({ ok: false, reason: 'range' });
    expect(resolveSequenceNumbers(parseSequenceSet('1:4294967295'), 10)).toEqual({ ok: false, reason: 'range' });
    expect(resolveSequenceNumbers(parseSequenceSet('1:*'), 0)).toEqual({ ok: false, reason: 'empty' });
  });

  it('substitutes the saved result for "$"', () => {
    expect(resolveSequenceNumbers(parseSequenceSet('$'), 10, [4, 2, 99])).toEqual({ ok: true, numbers: [2, 4] });
    expect(resolveSequenceNumbers(parseSequenceSet('$'), 10)).toEqual({ ok: true, numbers: [] });
    expect(resolveSequenceNumbers(parseSequenceSet('1,$'), 10, [3])).toEqual({ ok: true, numbers: [1, 3] });
  });
});

describe('UID sets', () => {
  const uids = [3, 7, 8, 20, 500];
  it.each([
    ['1:*', [3, 7, 8, 20, 500]],
    ['*', [500]],
    ['559:*', [500]],
    ['*:559', [500]],
    ['600:700', []],
    ['4:19', [7, 8]],
    ['19:4', [7, 8]],
    ['1,2,3,4', [3]],
    ['8,7,7', [7, 8]],
  ])('%s', (text, expected) => {
    expect(resolveUids(parseSequenceSet(text), uids)).toEqual(expected);
    expect(matchUidSet(parseSequenceSet(text), uids)).toEqual(expected.map((u) => uids.indexOf(u)));
  });

  it('matches nothing in an empty mailbox', () => {
    expect(resolveUids(parseSequenceSet('1:*'), [])).toEqual([]);
    expect(resolveUids(parseSequenceSet('*'), [])).toEqual([]);
  });

  it('substitutes saved UIDs for "$"', () => {
    expect(resolveUids(parseSequenceSet('$'), uids, [20, 4, 3])).toEqual([3, 20]);
  });

  it('agrees with a naive resolution', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 40 }).map((a) => a.sort((x, y) => x - y)),
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 250 }), fc.constant('*' as const)), fc.oneof(fc.integer({ min: 1, max: 250 }), fc.constant('*' as const))), {
          minLength: 1,
          maxLength: 6,
        }),
        (mailbox, ranges) => {
          const set = { ranges: ranges.map(([from, to]) => ({ from, to })), saved: false };
          const star = mailbox.at(-1) ?? 0;
          const naive = mailbox.filter((uid) => sequenceSetContains(set, uid, star));
          expect(resolveUids(set, mailbox)).toEqual(mailbox.length === 0 ? [] : naive);
        },
      ),
    );
  });
});

describe('compression', () => {
  it.each([
    [[], ''],
    [[5], '5'],
    [[1, 2, 3, 5], '1:3,5'],
    [[5, 3, 1, 2, 2], '1:3,5'],
    [[1, 3, 5, 6, 7, 10], '1,3,5:7,10'],
  ])('%j → %s', (numbers, text) => {
    expect(compressSequence(numbers)).toBe(text);
  });

  it('keeps order for COPYUID sets', () => {
    expect(compressInOrder([7, 8, 9, 3, 4])).toBe('7:9,3:4');
    expect(compressInOrder([3, 2, 1])).toBe('3,2,1');
  });

  it('round-trips through parse and resolve', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 100 }), (numbers) => {
        const sorted = [...numbers].sort((a, b) => a - b);
        const text = compressSequence(numbers);
        expect(resolveSequenceNumbers(parseSequenceSet(text), 10_000)).toEqual({ ok: true, numbers: sorted });
        expect(formatSequenceSet(sequenceSetOf(numbers))).toBe(text);
      }),
    );
  });
});
