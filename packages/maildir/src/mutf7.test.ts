// Tests of modified UTF-7 with RFC 3501 vectors and round trips.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MailboxNameError } from './errors.js';
import { decodeMutf7, encodeMutf7, isWellFormed } from './mutf7.js';

describe('modified UTF-7', () => {
  it.each([
    ['INBOX', 'INBOX'],
    ['&', '&-'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Gelöschte Elemente', 'Gel&APY-schte Elemente'],
    ['Отправленные', '&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-'],
    ['a&b', 'a&-b'],
    ['😀', '&2D3eAA-'],
  ])('%s ↔ %s (RFC 3501 §5.1.3)', (text, encoded) => {
    expect(encodeMutf7(text)).toBe(encoded);
    expect(decodeMutf7(encoded)).toBe(text);
  });

  it.each([
    ['&Jjo', 'unterminated'],
    ['&AGE-', 'printable ASCII encoded'],
    ['&U,BTF2-', 'padding'],
    ['&AP-', 'odd byte count'],
    ['caf\u00e9', 'raw non-ASCII'],
    ['&2D0-', 'broken surrogate'],
    ['&A!A-', 'bad base64'],
  ])('refuses %j (%s)', (encoded) => {
    expect(() => decodeMutf7(encoded)).toThrow(MailboxNameError);
  });

  it('round-trips any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        fc.pre(isWellFormed(text));
        const encoded = encodeMutf7(text);
        expect(encoded).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeMutf7(encoded)).toBe(text);
      }),
    );
  });
});
