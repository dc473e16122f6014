// CRAM-MD5 secrets: RFC 2195's example, Dovecot's stored context, and equality with HMAC-MD5 for any key length.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cramMd5Context, cramMd5FromContext, cramMd5FromPassword } from './cram-md5.js';
import { md5Finish, MD5_IV } from './md5-state.js';

const CHALLENGE = Buffer.from('<1896.697170952@postoffice.reston.mci.net>');

describe('CRAM-MD5', () => {
  it('computes RFC 2195 §2 example response from the password and from the stored context', () => {
    const pw = Buffer.from('tanstaaftanstaaf');
    expect(cramMd5FromPassword(pw, CHALLENGE).toString('hex')).toBe('b913a602c7eda7a495b4e6e7334d3890');
    expect(cramMd5FromContext(cramMd5Context(pw), CHALLENGE).toString('hex')).toBe('b913a602c7eda7a495b4e6e7334d3890');
  });

  it('writes the same context as doveadm pw -s CRAM-MD5', () => {
    // `doveadm pw -s CRAM-MD5 -p pencil` (Dovecot 2.3): the context contains no salt, so it is fixed.
    expect(cramMd5Context(Buffer.from('pencil')).toString('hex')).toBe('7f47ace0e2af8f6cdeb72c03243a8c87834e19104164d6a42de72d243adb4080');
  });

  it('matches node:crypto HMAC-MD5 for keys and challenges of many lengths', () => {
    for (const keyLen of [0, 1, 16, 63, 64, 65, 100, 200]) {
      for (const msgLen of [0, 1, 55, 56, 63, 64, 119, 120, 300]) {
        const key = randomBytes(keyLen);
        const msg = randomBytes(msgLen);
        const expected = createHmac('md5', key).update(msg).digest('hex');
        expect(cramMd5FromContext(cramMd5Context(key), msg).toString('hex')).toBe(expected);
      }
    }
  });

  it('implements plain MD5 from the initial state', () => {
    expect(md5Finish(MD5_IV, 0, Buffer.from('')).toString('hex')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Finish(MD5_IV, 0, Buffer.from('The quick brown fox jumps over the lazy dog')).toString('hex')).toBe('9e107d9d372bb6826bd81d3542a419d6');
  });
});
