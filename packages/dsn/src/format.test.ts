// Table tests for dates, folding, xtext, RFC 6533 address forms and quoted-printable.
import { describe, expect, it } from 'vitest';
import { decodeUtf8AddrXtext, encodeQuotedPrintable, encodeUtf8AddrXtext, encodeXtext, foldField, formatDate, oneLine, typedAddress } from './format.js';

describe('formatDate', () => {
  it.each([
    ['2026-12-03T13:31:16Z', 'Thu, 03 Dec 2026 13:31:16 +0000'],
    ['2000-01-01T00:00:00Z', 'Sat, 01 Jan 2000 00:00:00 +0000'],
    ['2024-02-29T23:59:59.999Z', 'Thu, 29 Feb 2024 23:59:59 +0000'],
  ])('%s → %s', (iso, expected) => {
    expect(formatDate(new Date(iso))).toBe(expected);
  });
  it('refuses an invalid date', () => {
    expect(() => formatDate(new Date('x'))).toThrow(RangeError);
  });
});

describe('typedAddress', () => {
  it.each([
    ['bob@example.test', false, false, 'rfc822;bob@example.test'],
    ['rfc822;bob@example.test', false, true, 'rfc822;bob@example.test'],
    ['RFC822; Bob@Example.test', false, true, 'rfc822;Bob@Example.test'],
    ['x-local;bob', false, true, 'x-local;bob'],
    ['jürgen@example.test', false, false, 'utf-8;j\\x{FC}rgen@example.test'],
    ['jürgen@example.test', true, false, 'utf-8;jürgen@example.test'],
    ['utf-8;j\\x{FC}rgen@example.test', true, true, 'utf-8;jürgen@example.test'],
    ['utf-8;plain@example.test', false, true, 'rfc822;plain@example.test'],
    ['用户@例子.广告', false, false, 'utf-8;\\x{7528}\\x{6237}@\\x{4F8B}\\x{5B50}.\\x{5E7F}\\x{544A}'],
    ['a\r\nb@example.test', false, false, 'rfc822;a b@example.test'],
  ])('%j (global %s, typed %s) → %s', (value, global, typed, expected) => {
    expect(typedAddress(value, global, typed)).toBe(expected);
  });
});

describe('utf-8-addr-xtext', () => {
  it.each([
    ['plain@example.test', 'plain@example.test'],
    ['a+b=c\\d@example.test', 'a\\x{2B}b\\x{3D}c\\x{5C}d@example.test'],
    ['😀@example.test', '\\x{1F600}@example.test'],
  ])('%s ↔ %s', (address, encoded) => {
    expect(encodeUtf8AddrXtext(address)).toBe(encoded);
    expect(decodeUtf8AddrXtext(encoded)).toBe(address);
  });
});

describe('encodeXtext', () => {
  it.each([
    ['abc', 'abc'],
    ['a+b=c d', 'a+2Bb+3Dc+20d'],
    ['é', '+C3+A9'],
  ])('%s → %s', (text, expected) => {
    expect(encodeXtext(text)).toBe(expected);
  });
});

describe('foldField', () => {
  it('keeps short fields on one line', () => {
    expect(foldField('Status', '5.1.1')).toBe('Status: 5.1.1\r\n');
  });
  it('folds long values at blanks within 78 characters', () => {
    const value = `smtp; 550 5.1.1 ${'word '.repeat(40).trim()}`;
    const folded = foldField('Diagnostic-Code', value);
    for (const line of folded.split('\r\n').slice(0, -1)) expect(line.length).toBeLessThanOrEqual(78);
    expect(folded.replace(/\r\n /g, ' ')).toBe(`Diagnostic-Code: ${value}\r\n`);
  });
  it('leaves a word longer than a line whole', () => {
    const word = 'x'.repeat(120);
    expect(foldField('Final-Recipient', `rfc822;${word}`)).toBe(`Final-Recipient: rfc822;${word}\r\n`);
  });
});

describe('oneLine', () => {
  it('removes line breaks and control characters', () => {
    expect(oneLine(' 550 a\r\n550 b\u0000c ')).toBe('550 a 550 b c');
  });
});

describe('encodeQuotedPrintable', () => {
  it.each([
    ['plain', 'plain'],
    ['grüße', 'gr=C3=BC=C3=9Fe'],
    ['a = b', 'a =3D b'],
    ['trailing ', 'trailing=20'],
    ['x\ny', 'x\r\ny'],
  ])('%j → %j', (text, expected) => {
    expect(encodeQuotedPrintable(text)).toBe(expected);
  });
  it('wraps long lines with soft breaks and never splits an escape', () => {
    const text = 'ü'.repeat(60);
    const encoded = encodeQuotedPrintable(text);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    const decoded = Buffer.from(encoded.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1').toString('utf8');
    expect(decoded).toBe(text);
  });
});
