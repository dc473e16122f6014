import { describe, expect, it } from 'vitest';
import { decodeUtf8AddrXtext, decodeXtext, encodeXtext } from './xtext.js';

describe('xtext (RFC 3461 §4)', () => {
  it.each([
    ['abc', 'abc'],
    ['rfc822+3Buser@example.com', 'rfc822;user@example.com'],
    ['a+2Bb', 'a+b'],
    ['a+3Db', 'a=b'],
    ['+20', ' '],
    ['', ''],
    ['+C3+BC', 'ü'],
    ['a+2b', undefined],
    ['a+2', undefined],
    ['a+', undefined],
    ['a=b', undefined],
    ['a b', undefined],
    ['a\x7fb', undefined],
    ['+FF', undefined],
    ['ü', undefined],
  ])('decode %j → %j', (input, want) => {
    expect(decodeXtext(input)).toBe(want);
  });

  it.each(['plain', 'a+b=c', 'space here', 'ümlaut', '+++'])('round-trips %j', (text) => {
    const enc = encodeXtext(text);
    expect(enc).toMatch(/^[\x21-\x7e]*$/);
    expect(decodeXtext(enc)).toBe(text);
  });
});

describe('utf-8-addr-xtext (RFC 6533 §3)', () => {
  it.each([
    ['user@example.com', 'user@example.com'],
    ['\\x{E9}l\\x{E8}ve@example.com', 'élève@example.com'],
    ['élève@example.com', 'élève@example.com'],
    ['\\x{1F600}@example.com', '\u{1F600}@example.com'],
    ['a+b@example.com', undefined],
    ['a=b@example.com', undefined],
    ['a\\b@example.com', undefined],
    ['\\x{D800}', undefined],
    ['\\x{110000}', undefined],
    ['a b', undefined],
  ])('decode %j → %j', (input, want) => {
    expect(decodeUtf8AddrXtext(input)).toBe(want);
  });
});
