// UIDL values are Dovecot's "%08Xu%08Xv": what Dovecot would send for the same UID and UIDVALIDITY.
import { describe, expect, it } from 'vitest';
import { uidlOf } from './uidl.js';

describe('uidlOf', () => {
  it.each([
    [1, 1, '0000000100000001'],
    [1, 0x5f1e3a4b, '000000015f1e3a4b'],
    [0xabc, 1700000000, '00000abc6553f100'],
    [0xffffffff, 0xffffffff, 'ffffffffffffffff'],
  ])('uid %d uidvalidity %d', (uid, validity, expected) => {
    expect(uidlOf(uid, validity)).toBe(expected);
  });
});
