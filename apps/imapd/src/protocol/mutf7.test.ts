// Mailbox name codec: modified UTF-7 vectors (RFC 3501 §5.1.3), strict rejection, UTF-8 mode, INBOX.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailboxNameError } from './errors.js';
import { decodeMailboxName, decodeMutf7, encodeMailboxName, encodeMutf7, isInbox, isValidMutf7, normalizeInbox } from './mutf7.js';

describe('modified UTF-7', () => {
  it.each([
    ['INBOX', 'INBOX'],
    ['~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Entw\u00fcrfe', 'Entw&APw-rfe'],
    ['Gel\u00f6schte Elemente', 'Gel&APY-schte Elemente'],
    ['&', '&-'],
    ['Tom & Jerry', 'Tom &- Jerry'],
    ['\u00e4\u00f6\u00fc', '&AOQA9gD8-'],
    ['\ud83d\udce7 Mail', '&2D3c5w- Mail'],
    ['\u0001', '&AAE-'],
    ['', ''],
    ['\u041e\u0442\u043f\u0440\u0430\u0432\u043b\u0435\u043d\u043d\u044b\u0435', '&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-'],
  ])('%j ⇄ %s', (name, encoded) => {
    expect(encodeMutf7(name)).toBe(encoded);
    expect(decodeMutf7(encoded)).toBe(name);
  });

  it.each([
    ['8-bit octet', 'Entw\u00fcrfe'],
    ['control character', 'a\tb'],
    ['unterminated shift', '&AOQ'],
    ['null shift after a run', '&AOQ-&APY-'],
    ['printable ASCII in base64', '&AGE-'],
    ['bad base64 character', '&A/Q-'],
    ['non-zero padding bits', '&AOR-'],
    ['odd number of octets', '&AOQA-'],
    ['lone high surrogate', '&2D0-'],
    ['lone low surrogate', '&3OcAZQ-'],
    ['base64 too short', '&A-'],
  ])('refuses %s', (_name, encoded) => {
    expect(() => decodeMutf7(encoded)).toThrow(MailboxNameError);
    expect(isValidMutf7(encoded)).toBe(false);
  });

  it('round-trips every Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        expect(decodeMutf7(encodeMutf7(name))).toBe(name);
      }),
    );
  });

  it('accepts only canonical encodings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('&', '-', 'A', 'O', 'Q', 'P', 'w', '+', ',', 'a', ' ', '2', 'D'), maxLength: 16 }), (text) => {
        if (isValidMutf7(text)) expect(encodeMutf7(decodeMutf7(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('mailbox names on the wire', () => {
  it('decodes modified UTF-7 in rev1 mode and UTF-8 in UTF-8 mode', () => {
    expect(decodeMailboxName(Buffer.from('Entw&APw-rfe'), false)).toBe('Entw\u00fcrfe');
    expect(decodeMailboxName(Buffer.from('Entw&APw-rfe'), true)).toBe('Entw&APw-rfe');
    expect(decodeMailboxName(Buffer.from('Entw\u00fcrfe'), true)).toBe('Entw\u00fcrfe');
    expect(() => decodeMailboxName(Buffer.from([0xc3]), true)).toThrow(MailboxNameError);
    expect(encodeMailboxName('Entw\u00fcrfe & Co', false)).toBe('Entw&APw-rfe &- Co');
    expect(encodeMailboxName('Entw\u00fcrfe & Co', true)).toBe('Entw\u00fcrfe & Co');
  });

  it('treats INBOX case-insensitively', () => {
    expect(isInbox('inBox')).toBe(true);
    expect(isInbox('INBOXES')).toBe(false);
    expect(normalizeInbox('Inbox')).toBe('INBOX');
    expect(normalizeInbox('inbox/Archive', '/')).toBe('INBOX/Archive');
    expect(normalizeInbox('inbox/Archive')).toBe('inbox/Archive');
    expect(normalizeInbox('inbox.Archive', '/')).toBe('inbox.Archive');
    expect(normalizeInbox('Inboxes', '/')).toBe('Inboxes');
  });
});
