// parseStored: a table of stored values → scheme, encoding and fields, and the typed errors for bad ones.
import { describe, expect, it } from 'vitest';
import { PasswordSchemeError } from './errors.js';
import { parseStored } from './stored.js';

const SHA256_B64 = 'E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=';
const SHA256_HEX = Buffer.from(SHA256_B64, 'base64').toString('hex');
const SHA512_CRYPT = '$6$ymvg9RN7sjmJj0O1$Lqz3mMasVHPIWnyKxZhgz3sRGe6AEs/J/GVSsfen3S0H94iCG7T5g3yY/8NA8Pl9CFaFCC9RQbltYQcOQjQYz.';
const ARGON2ID = '$argon2id$v=19$m=65536,t=3,p=1$juLuiaKTc7/di0IJtT3beg$uV6oGoTaG21RJRpJdE7Yp3FDLvyLP/XV5YxsBCSQ0OQ';
const BCRYPT = '$2y$05$LMVClm598/a0LAAl/2DusuQoTXckNH9cy.amtZJyxn5luYJ.WM2Ki';
const CRAM = '7f47ace0e2af8f6cdeb72c03243a8c87834e19104164d6a42de72d243adb4080';
const SCRAM = '4096,qDsWx/PquVYKr18i3V68TA==,F2ZTlFym25CPHBNg/BXMXqMQFbC14GsWYRLgXblZ0Fo=,cVosWytZO35mD0P62pSg4Kp+7I1gwVfSSppTJPgS/yI=';

// [stored, scheme, kind, encoding, prefixed]
const OK: [string, string, string, string, boolean][] = [
  [`{SHA256}${SHA256_B64}`, 'SHA256', 'digest', 'base64', true],
  [`{SHA256}${SHA256_HEX}`, 'SHA256', 'digest', 'hex', true],
  [`{SHA256.HEX}${SHA256_HEX}`, 'SHA256', 'digest', 'hex', true],
  [`{sha256.b64}${SHA256_B64}`, 'SHA256', 'digest', 'base64', true],
  [`{SHA256.BASE64}${SHA256_B64}`, 'SHA256', 'digest', 'base64', true],
  [`{SHA}Os4M2F9yZIP7Bz5cobOrkyORBHo=`, 'SHA1', 'digest', 'base64', true],
  [`{SSHA}Os4M2F9yZIP7Bz5cobOrkyORBHp0EZ4V`, 'SSHA', 'salted-digest', 'base64', true],
  [`{SHA512-CRYPT}${SHA512_CRYPT}`, 'SHA512-CRYPT', 'sha-crypt', 'none', true],
  [`{SHA512-CRYPT.HEX}${Buffer.from(SHA512_CRYPT).toString('hex')}`, 'SHA512-CRYPT', 'sha-crypt', 'hex', true],
  [`{CRYPT}${SHA512_CRYPT}`, 'SHA512-CRYPT', 'sha-crypt', 'none', true],
  [SHA512_CRYPT, 'SHA512-CRYPT', 'sha-crypt', 'none', false],
  [`{ARGON2ID}${ARGON2ID}`, 'ARGON2ID', 'argon2', 'none', true],
  [ARGON2ID, 'ARGON2ID', 'argon2', 'none', false],
  [`{BLF-CRYPT}${BCRYPT}`, 'BLF-CRYPT', 'bcrypt', 'none', true],
  [BCRYPT, 'BLF-CRYPT', 'bcrypt', 'none', false],
  [`{CRAM-MD5}${CRAM}`, 'CRAM-MD5', 'cram-md5', 'hex', true],
  [`{HMAC-MD5}${CRAM}`, 'CRAM-MD5', 'cram-md5', 'hex', true],
  [`{CRAM-MD5.b64}${Buffer.from(CRAM, 'hex').toString('base64')}`, 'CRAM-MD5', 'cram-md5', 'base64', true],
  ['{PLAIN}pencil', 'PLAIN', 'plain', 'none', true],
  ['{CLEAR}pen}cil', 'PLAIN', 'plain', 'none', true],
  ['{plain.b64}cGVuY2ls', 'PLAIN', 'plain', 'base64', true],
  [`{SCRAM-SHA-256}${SCRAM}`, 'SCRAM-SHA-256', 'scram', 'none', true],
];

// [stored, error code]
const BAD: [string, string][] = [
  ['pencil', 'unknown-scheme'],
  ['{MD4}abc', 'unknown-scheme'],
  ['{SHA256.ROT13}abc', 'unknown-scheme'],
  ['$1$salt$hash', 'unknown-scheme'],
  ['{CRYPT}abcdefghijklm', 'unknown-scheme'],
  ['{SHA256}not*base64', 'malformed'],
  ['{SHA256}c2hvcnQ=', 'malformed'],
  ['{SHA256.HEX}zz', 'malformed'],
  ['{SSHA}' + Buffer.alloc(20).toString('base64'), 'malformed'],
  ['{SHA512-CRYPT}$6$salt', 'malformed'],
  ['{SHA512-CRYPT}$5$salt$' + 'a'.repeat(43), 'malformed'],
  ['{BLF-CRYPT}$2y$05$short', 'malformed'],
  ['{ARGON2ID}$argon2i$v=19$m=65536,t=3,p=1$juLuiaKTc7/di0IJtT3beg$uV6oGoTaG21RJRpJdE7Yp3FDLvyLP', 'malformed'],
  ['{CRAM-MD5}abcd', 'malformed'],
  ['{SCRAM-SHA-256}4096,salt', 'malformed'],
  ['{SCRAM-SHA-256}0,qDsWx/PquVYKr18i3V68TA==,F2ZTlFym25CPHBNg/BXMXqMQFbC14GsWYRLgXblZ0Fo=,cVosWytZO35mD0P62pSg4Kp+7I1gwVfSSppTJPgS/yI=', 'malformed'],
  ['{SCRAM-SHA-1}' + SCRAM, 'malformed'],
];

describe('parseStored', () => {
  it.each(OK)('%s', (stored, scheme, kind, encoding, prefixed) => {
    expect(parseStored(stored)).toMatchObject({ scheme, kind, encoding, prefixed });
  });

  it.each(BAD)('rejects %s', (stored, code) => {
    let error: unknown;
    try {
      parseStored(stored);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PasswordSchemeError);
    expect((error as PasswordSchemeError).code).toBe(code);
  });

  it('extracts the fields', () => {
    const ssha = parseStored('{SSHA512}jY4Deu+SjIY9DqZLNOZk0TO7hl4wfH6obm0/ndTDjNH3F/H5uvIT/dXeSO5zqAKm59OgzoGhA0vAX+vnEn5Ea/9XhMQ=');
    expect(ssha.kind === 'salted-digest' && [ssha.digest.length, ssha.salt.length]).toEqual([64, 4]);
    const argon = parseStored(`{ARGON2ID}${ARGON2ID}`);
    expect(argon.kind === 'argon2' && argon.params).toEqual({ m: 65536, t: 3, p: 1 });
    const bcrypt = parseStored(BCRYPT);
    expect(bcrypt.kind === 'bcrypt' && bcrypt.cost).toBe(5);
    const scram = parseStored(`{SCRAM-SHA-256}${SCRAM}`);
    expect(scram.kind === 'scram' && scram.keys.iterations).toBe(4096);
    expect(parseStored('{PLAIN}pen}cil')).toMatchObject({ password: 'pen}cil' });
  });
});
