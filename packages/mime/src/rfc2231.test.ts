// Table tests for MIME parameters: RFC 2231 continuations merged as IMAP reports them, and decoded for display.
import { describe, expect, it } from 'vitest';
import { parseContentType } from './part-data.js';
import { decodeExtendedValue, decodeParams, parseParams, type MimeParam } from './rfc2231.js';
import { Rfc822Cursor } from './rfc822.js';

const params = (s: string): MimeParam[] => parseParams(new Rfc822Cursor(s)).params;

describe('parseParams', () => {
  const cases: [string, MimeParam[]][] = [
    ['; charset=us-ascii', [['charset', 'us-ascii']]],
    ['; a="quoted \\"escaped\\" value"; b=token', [['a', 'quoted "escaped" value'], ['b', 'token']]],
    ['; title*0="first "; title*1="second"', [['title', 'first second']]],
    ['; title*1="second"; title*0="first "', [['title', 'first second']]],
    ["; name*0*=utf-8''%E2%82%AC; name*1=\" 100%\"", [['name*', "utf-8''%E2%82%AC 100%25"]]],
    ["; name*=iso-8859-1'en'%E9t%E9", [['name*', "iso-8859-1'en'%E9t%E9"]]],
    ['; t*0="a"; t*2="c"', [['t*0', 'a'], ['t*2', 'c']]],
    ['; name==?utf-8?q?caf=C3=A9.pdf?=', [['name', '=?utf-8?q?caf=C3=A9.pdf?=']]],
    // after a broken parameter the rest is skipped up to the next ';' at a parameter start, as Dovecot does
    ['; a=1; broken; b=2', [['a', '1']]],
    ['; a=1; =x; b=2', [['a', '1'], ['', 'x'], ['b', '2']]],
    [' ; a = "spaced" (comment) ; b=x', [['a', 'spaced'], ['b', 'x']]],
    ['; empty=', [['empty', '']]],
    ['; folded="line\n continued"', [['folded', 'line continued']]],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(params(input)).toEqual(expected);
  });
});

describe('decodeParams', () => {
  it('decodes extended values, encoded words and prefers name* over name', () => {
    expect(
      decodeParams([
        ['NAME', 'fallback.txt'],
        ['name*', "utf-8''%E2%82%AC%20rates.pdf"],
        ['title', '=?utf-8?q?caf=C3=A9?='],
        ['charset', 'UTF-8'],
      ]),
    ).toEqual({ name: '€ rates.pdf', title: 'café', charset: 'UTF-8' });
  });

  it('decodes RFC 2231 values in other charsets', () => {
    expect(decodeExtendedValue("iso-8859-1'fr'%E9t%E9")).toBe('été');
    expect(decodeExtendedValue('no quotes')).toBeUndefined();
  });
});

describe('parseContentType', () => {
  const cases: [string, string, string, MimeParam[]][] = [
    ['text/plain; charset=utf-8', 'text', 'plain', [['charset', 'utf-8']]],
    ['TEXT/PLAIN', 'TEXT', 'PLAIN', []],
    ['text/plain (comment); charset = "x"', 'text', 'plain', [['charset', 'x']]],
    ['text; charset=us-ascii', '', '', []],
    ['text/', '', '', []],
    ['foo', 'foo', '', []],
    ['', '', '', []],
    ['multipart/mixed;\n boundary="b"', 'multipart', 'mixed', [['boundary', 'b']]],
  ];
  it.each(cases)('%j', (input, type, subtype, p) => {
    const ct = parseContentType(input);
    expect([ct.type, ct.subtype, ct.params]).toEqual([type, subtype, p]);
  });
});
