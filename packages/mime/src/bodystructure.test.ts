// BODYSTRUCTURE, BODY and ENVELOPE rendering in wire form (cases also confirmed against Dovecot by the differential test).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddresses } from './address.js';
import { bodyStructure, envelope } from './bodystructure.js';
import { decodeWords } from './encoded-words.js';
import { parseHeader } from './header.js';
import { toImapString } from './imap-value.js';
import { parseParams } from './rfc2231.js';
import { Rfc822Cursor } from './rfc822.js';
import { parseStructureSync } from './structure.js';

const msg = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

describe('bodyStructure', () => {
  it.each([
    ['plain message', 'Subject: x\n\nhello\n', '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 1 NIL NIL NIL NIL)'],
    [
      'Content-* fields',
      'MIME-Version: 1.0\nContent-Type: image/png; name="a.png"\nContent-Transfer-Encoding: base64\nContent-ID: <i@x>\nContent-Description: pic\nContent-Disposition: inline; filename=a.png\nContent-Language: en, de\nContent-Location: a.png\nContent-MD5: xyz\n\nAAAA\n',
      '("image" "png" ("name" "a.png") "<i@x>" "pic" "base64" 6 "xyz" ("inline" ("filename" "a.png")) ("en" "de") "a.png")',
    ],
    [
      'multipart',
      'Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\nContent-Type: text/html\n\n<p>\n--b--\n',
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 0 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 3 0 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)',
    ],
    [
      'multipart without parts',
      'Content-Type: multipart/mixed; boundary=b\n\nnothing\n',
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)',
    ],
    [
      'message/rfc822',
      'Content-Type: message/rfc822\n\nSubject: inner\nFrom: a@b\n\nbody\n',
      '("message" "rfc822" NIL NIL NIL "7bit" 35 (NIL "inner" ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)',
    ],
  ])('%s', (_name, text, expected) => {
    expect(toImapString(bodyStructure(parseStructureSync(msg(text)), { extended: true }))).toBe(expected);
  });

  it('leaves out extension data for BODY', () => {
    const s = parseStructureSync(msg('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b--\n'));
    expect(toImapString(bodyStructure(s, { extended: false }))).toBe('(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 0) "mixed")');
  });
});

describe('envelope', () => {
  it('renders raw values, defaults Sender and Reply-To to From, and groups', () => {
    const fields = parseHeader(
      'Date: Mon, 2 Jan 2023 10:00:00 +0100\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nFrom: "A  B" <a@example.com>\r\nTo: Team: x@example.com;\r\nMessage-ID: <m@x>\r\n\r\n',
    );
    expect(toImapString(envelope(fields))).toBe(
      '("Mon, 2 Jan 2023 10:00:00 +0100" "=?utf-8?q?caf=C3=A9?=" (("A B" NIL "a" "example.com")) (("A B" NIL "a" "example.com")) (("A B" NIL "a" "example.com")) ((NIL NIL "Team" NIL)(NIL NIL "x" "example.com")(NIL NIL NIL NIL)) NIL NIL NIL "<m@x>")',
    );
  });
});

describe('parsers never throw', () => {
  const text = fc.string({ unit: fc.constantFrom(...'ab@.<>:;,"\\()[] =?*%\'\r\n\t\x00\xe9'.split('')), maxLength: 60 });
  it('on address lists, parameters and encoded words', () => {
    fc.assert(
      fc.property(text, (s) => {
        parseAddresses(s);
        parseParams(new Rfc822Cursor(s));
        decodeWords(s);
        decodeWords(`=?utf-8?q?${s}?=`);
      }),
    );
  });
});
