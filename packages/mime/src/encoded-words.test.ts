// Table tests for RFC 2047 encoded-word decoding and charset handling of raw header text.
import { describe, expect, it } from 'vitest';
import { decodeWords } from './encoded-words.js';

const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('decodeWords', () => {
  const cases: [string, string, string][] = [
    ['plain ASCII', 'Hello world', 'Hello world'],
    ['RFC 2047 §8 Q', '=?ISO-8859-1?Q?Andr=E9?= Pirard', 'André Pirard'],
    ['underscore is space in Q', '=?US-ASCII?Q?Keith_Moore?=', 'Keith Moore'],
    ['B encoding', '=?UTF-8?B?w6l0w6k=?=', 'été'],
    ['whitespace between words dropped', '=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=', 'ab'],
    ['folding between words dropped', '=?ISO-8859-1?Q?a?=\n  =?ISO-8859-2?Q?b?=', 'ab'],
    ['text between words kept', '=?ISO-8859-1?Q?a?= b =?ISO-8859-1?Q?c?=', 'a b c'],
    ['split multi-byte character across words', '=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?=', '€'],
    ['RFC 2231 language suffix', '=?US-ASCII*EN?Q?Keith_Moore?=', 'Keith Moore'],
    ['lower-case encoding letter', '=?utf-8?q?caf=C3=A9?=', 'café'],
    ['malformed word left alone', '=?utf-8?x?abc?= and =?broken', '=?utf-8?x?abc?= and =?broken'],
    ['unknown charset falls back', '=?x-unknown?Q?abc?=', 'abc'],
    ['folded plain text unfolded', 'a\n b', 'a b'],
    ['raw UTF-8 octets', latin1('Grüße'), 'Grüße'],
    ['raw Latin-1 octets', 'Gr\xfc\xdfe', 'Grüße'],
    ['windows-1252', '=?windows-1252?Q?=93quoted=94?=', '\u201cquoted\u201d'],
    ['ISO-2022-JP', '=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=', '日本語'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(decodeWords(input)).toBe(expected);
  });
});
