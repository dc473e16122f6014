// FETCH responses: RFC 3501 examples for ENVELOPE and BODY, BODYSTRUCTURE extension data, literals, literal8
// and streamed message bodies.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { compose, composeBuffer } from './compose.js';
import type { BodyStructure, Envelope, FetchResponseItem } from './response-types.js';

const fetch = (items: FetchResponseItem[], utf8 = false): string => composeBuffer({ type: 'FETCH', seq: 12, items }, { utf8 }).toString('utf8');

const gray = { name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu' };
const envelope: Envelope = {
  date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
  subject: 'IMAP4rev1 WG mtg summary and minutes',
  from: [gray],
  sender: [gray],
  replyTo: [gray],
  to: [{ name: null, adl: null, mailbox: 'imap', host: 'cac.washington.edu' }],
  cc: [
    { name: null, adl: null, mailbox: 'minutes', host: 'CNRI.Reston.VA.US' },
    { name: 'John Klensin', adl: null, mailbox: 'KLENSIN', host: 'MIT.EDU' },
  ],
  bcc: null,
  inReplyTo: null,
  messageId: '<B27397-0100000@cac.washington.edu>',
};

const mixed: BodyStructure = {
  kind: 'multipart',
  subtype: 'mixed',
  parts: [
    { kind: 'part', type: 'TEXT', subtype: 'PLAIN', params: [['CHARSET', 'US-ASCII']], id: null, description: null, encoding: '7BIT', size: 1152, lines: 23 },
    {
      kind: 'part',
      type: 'TEXT',
      subtype: 'PLAIN',
      params: [['CHARSET', 'US-ASCII'], ['NAME', 'cc.diff']],
      id: '<960723163407.20117h@cac.washington.edu>',
      description: 'Compiler diff',
      encoding: 'BASE64',
      size: 4554,
      lines: 73,
    },
  ],
};

describe('compose: FETCH', () => {
  it('RFC 3501 §7.4.2 ENVELOPE and FLAGS/INTERNALDATE/RFC822.SIZE example', () => {
    expect(
      fetch([
        { item: 'FLAGS', flags: ['\\Seen'] },
        { item: 'INTERNALDATE', date: new Date('1996-07-17T09:44:25Z'), offsetMinutes: -420 },
        { item: 'RFC822.SIZE', size: 4286 },
        { item: 'ENVELOPE', envelope },
      ]),
    ).toBe(
      '* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ' +
        '"IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")' +
        '("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>"))\r\n',
    );
  });

  it('RFC 3501 §7.4.2 BODY example (no extension data)', () => {
    expect(fetch([{ item: 'BODY', structure: mixed }])).toBe(
      '* 12 FETCH (BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ' +
        '"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED"))\r\n',
    );
  });

  it('BODYSTRUCTURE with extension data, message/rfc822 and dispositions', () => {
    const structure: BodyStructure = {
      kind: 'multipart',
      subtype: 'mixed',
      params: [['BOUNDARY', 'xyz']],
      parts: [
        { kind: 'part', type: 'text', subtype: 'plain', params: null, id: null, description: null, encoding: '8bit', size: 10, lines: 1, language: ['en'] },
        {
          kind: 'part',
          type: 'message',
          subtype: 'rfc822',
          params: null,
          id: null,
          description: null,
          encoding: '7bit',
          size: 300,
          lines: 12,
          message: { envelope: { ...envelope, from: null, sender: null, replyTo: null, to: null, cc: null }, body: { kind: 'part', type: 'APPLICATION', subtype: 'PDF', params: null, id: null, description: null, encoding: 'BASE64', size: 8 } },
          disposition: { type: 'attachment', params: [['FILENAME', 'fwd.eml']] },
          language: ['en', 'de'],
          location: 'http://x/',
          md5: 'abc',
        },
      ],
    };
    expect(fetch([{ item: 'BODYSTRUCTURE', structure }])).toBe(
      '* 12 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "8BIT" 10 1 NIL NIL "en" NIL)' +
        '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 300 ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" NIL NIL NIL NIL NIL NIL NIL ' +
        '"<B27397-0100000@cac.washington.edu>") ("APPLICATION" "PDF" NIL NIL NIL "BASE64" 8 NIL NIL NIL NIL) 12 "abc" ("attachment" ("FILENAME" "fwd.eml")) ("en" "de") "http://x/")' +
        ' "MIXED" ("BOUNDARY" "xyz") NIL NIL NIL))\r\n',
    );
  });

  it('UID, MODSEQ, BODY[] sections with origin, RFC822.* and BINARY.SIZE', () => {
    expect(
      fetch([
        { item: 'UID', uid: 4827313 },
        { item: 'MODSEQ', modseq: 624140003 },
        { item: 'BODY[]', section: { part: [], text: 'HEADER.FIELDS', fields: ['From', 'Subject'] }, content: 'From: a\r\nSubject: b\r\n\r\n' },
        { item: 'BODY[]', section: { part: [1, 2], text: null, fields: [] }, origin: 0, content: Buffer.from('hi') },
        { item: 'BODY[]', section: { part: [3], text: 'MIME', fields: [] }, content: null },
        { item: 'RFC822.HEADER', content: 'X: y\r\n\r\n' },
        { item: 'BINARY.SIZE', part: [1], size: 42 },
      ]),
    ).toBe(
      '* 12 FETCH (UID 4827313 MODSEQ (624140003) BODY[HEADER.FIELDS (From Subject)] {23}\r\nFrom: a\r\nSubject: b\r\n\r\n ' +
        'BODY[1.2]<0> {2}\r\nhi BODY[3.MIME] NIL RFC822.HEADER {8}\r\nX: y\r\n\r\n BINARY.SIZE[1] 42)\r\n',
    );
  });

  it('uses literal8 for BINARY content with NUL octets', () => {
    expect(fetch([{ item: 'BINARY[]', part: [2], content: Buffer.from('a\0b') }])).toBe('* 12 FETCH (BINARY[2] ~{3}\r\na\0b)\r\n');
    expect(fetch([{ item: 'BINARY[]', part: [], content: 'plain' }])).toBe('* 12 FETCH (BINARY[] {5}\r\nplain)\r\n');
  });

  it('hands a large body over as a stream with its size', () => {
    const stream = Readable.from([Buffer.alloc(10)]);
    const parts = compose(
      { type: 'FETCH', seq: 1, items: [{ item: 'UID', uid: 9 }, { item: 'BODY[]', section: { part: [], text: null, fields: [] }, content: { stream, size: 52428800 } }, { item: 'FLAGS', flags: ['\\Seen'] }] },
      { utf8: false },
    );
    expect(parts).toHaveLength(3);
    expect(parts[0]?.toString()).toBe('* 1 FETCH (UID 9 BODY[] {52428800}\r\n');
    expect(parts[1]).toEqual({ stream, size: 52428800 });
    expect(parts[2]?.toString()).toBe(' FLAGS (\\Seen))\r\n');
    expect(() => composeBuffer({ type: 'FETCH', seq: 1, items: [{ item: 'RFC822', content: { stream, size: 1 } }] }, { utf8: false })).toThrow();
  });

  it('streams BINARY as literal8 when asked', () => {
    const stream = Readable.from([]);
    const parts = compose({ type: 'FETCH', seq: 1, items: [{ item: 'BINARY[]', part: [1], origin: 100, binary: true, content: { stream, size: 0 } }] }, { utf8: false });
    expect(parts[0]?.toString()).toBe('* 1 FETCH (BINARY[1]<100> ~{0}\r\n');
  });

  it('writes 8-bit header strings as literals in rev1 and quoted in UTF-8 mode', () => {
    const e = { ...envelope, subject: 'Gr\u00fc\u00dfe', from: null, sender: null, replyTo: null, to: null, cc: null };
    expect(fetch([{ item: 'ENVELOPE', envelope: e }])).toContain('{7}\r\nGr\u00fc\u00dfe NIL');
    expect(fetch([{ item: 'ENVELOPE', envelope: e }], true)).toContain('"Gr\u00fc\u00dfe" NIL');
  });
});
