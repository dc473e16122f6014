// verifyPassword / hashPassword: fixed Dovecot vectors, round trips in every scheme, typed errors, capabilities, dummy cost.
import { describe, expect, it, vi } from 'vitest';
import { hashPassword } from './hash.js';
import { saslCapabilities, verifyApop } from './capabilities.js';
import { SCHEMES } from './stored.js';
import { DUMMY_STORED, dummyVerify, needsRehash, verifyPassword, verifyPasswordResult } from './verify.js';

// Written by `doveadm pw -s <scheme> -p pencil` (Dovecot 2.3.19).
const DOVEADM_PENCIL = [
  '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$juLuiaKTc7/di0IJtT3beg$uV6oGoTaG21RJRpJdE7Yp3FDLvyLP/XV5YxsBCSQ0OQ',
  '{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$wsgnjjziepz9c5Rx8as6xg$iQtRceipZUNGhYlBVojOJWg5zSmD5W8R6cVyOCtoufk',
  '{BLF-CRYPT}$2y$05$LMVClm598/a0LAAl/2DusuQoTXckNH9cy.amtZJyxn5luYJ.WM2Ki',
  '{SHA512-CRYPT}$6$ymvg9RN7sjmJj0O1$Lqz3mMasVHPIWnyKxZhgz3sRGe6AEs/J/GVSsfen3S0H94iCG7T5g3yY/8NA8Pl9CFaFCC9RQbltYQcOQjQYz.',
  '{SHA256-CRYPT}$5$uiwmqyqdAFCwikty$o0f.wjV46U9O8a72Uu33qSwkYMTOJLV0ShXL6xeqOz9',
  '{SSHA512}jY4Deu+SjIY9DqZLNOZk0TO7hl4wfH6obm0/ndTDjNH3F/H5uvIT/dXeSO5zqAKm59OgzoGhA0vAX+vnEn5Ea/9XhMQ=',
  '{SSHA256}o3VRd7SUwuihtNPGScGBshwTamReH2osx4Z8Q6kgIShcNpCJ',
  '{SSHA}Os4M2F9yZIP7Bz5cobOrkyORBHp0EZ4V',
  '{SHA512}Gd8Bqrgo+NUINrp1cJcTrtInM1344YZDkYXAbJF6Kn03cat24wfPo7a4nvGmaC1mgd3xGISHDl3hPnk/uVXu6w==',
  '{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=',
  '{SHA512.HEX}19df01aab828f8d50836ba75709713aed227335df8e186439185c06c917a2a7d3771ab76e307cfa3b6b89ef1a6682d6681ddf11884870e5de13e793fb955eeeb',
  '{SHA256.B64}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=',
  '{SHA512-CRYPT.HEX}24362466684d3150714c453641545a47623361242f76644f716543334444697965426d3747474c73616c6c4b594a77514e376375774949547973385754396157526279744c776246797047436b4542325a38576c704e2f4730715049387971375734715a752e4c6d6a31',
  '{CRAM-MD5}7f47ace0e2af8f6cdeb72c03243a8c87834e19104164d6a42de72d243adb4080',
  '{PLAIN}pencil',
  '{SCRAM-SHA-256}4096,qDsWx/PquVYKr18i3V68TA==,F2ZTlFym25CPHBNg/BXMXqMQFbC14GsWYRLgXblZ0Fo=,cVosWytZO35mD0P62pSg4Kp+7I1gwVfSSppTJPgS/yI=',
  '{SCRAM-SHA-1}4096,calriHarGkVQtmsdCuUHPA==,nnrSw4yPRftHoOT0CSniBeROvBg=,pO94tehB9Z6VKxk5gf0GZqh/rEM=',
  // Bare crypt strings, as /etc/shadow-style files hold them.
  '$6$ymvg9RN7sjmJj0O1$Lqz3mMasVHPIWnyKxZhgz3sRGe6AEs/J/GVSsfen3S0H94iCG7T5g3yY/8NA8Pl9CFaFCC9RQbltYQcOQjQYz.',
  '$5$uiwmqyqdAFCwikty$o0f.wjV46U9O8a72Uu33qSwkYMTOJLV0ShXL6xeqOz9',
  '$2y$05$LMVClm598/a0LAAl/2DusuQoTXckNH9cy.amtZJyxn5luYJ.WM2Ki',
  '$argon2id$v=19$m=65536,t=3,p=1$juLuiaKTc7/di0IJtT3beg$uV6oGoTaG21RJRpJdE7Yp3FDLvyLP/XV5YxsBCSQ0OQ',
];

const quiet = { log: { warn: () => undefined } };

describe('verifyPassword', () => {
  it.each(DOVEADM_PENCIL)('%s', async (stored) => {
    expect(await verifyPassword('pencil', stored, quiet)).toBe(true);
    expect(await verifyPassword('pencil ', stored, quiet)).toBe(false);
    expect(await verifyPassword('Pencil', stored, quiet)).toBe(false);
    expect(await verifyPassword('', stored, quiet)).toBe(false);
  });

  it('returns false with a typed error for unknown schemes and malformed values', async () => {
    expect(await verifyPassword('pencil', '{MD4}abc')).toBe(false);
    expect((await verifyPasswordResult('pencil', '{MD4}abc')).error?.code).toBe('unknown-scheme');
    expect((await verifyPasswordResult('pencil', 'pencil')).error?.code).toBe('unknown-scheme');
    expect((await verifyPasswordResult('pencil', '{SHA256}xx')).error?.code).toBe('malformed');
    expect(await verifyPasswordResult('pencil', '{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=')).toEqual({ match: true, scheme: 'SHA256' });
  });

  it('warns when a {PLAIN} password is used, without the password', async () => {
    const warn = vi.fn();
    expect(await verifyPassword('pencil', '{PLAIN}pencil', { log: { warn }, user: 'tim@example.test' })).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).not.toContain('pencil');
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ user: 'tim@example.test', scheme: 'PLAIN' });
  });

  it('verifies SCRAM secrets of non-ASCII passwords both SASLprep-ed and as typed', async () => {
    // U+2168 ROMAN NUMERAL NINE becomes "IX" under NFKC; both forms of the stored secret verify the typed password.
    const prepared = await hashPassword('Ⅸ-pass', 'SCRAM-SHA-256');
    expect(await verifyPassword('Ⅸ-pass', prepared)).toBe(true);
    expect(await verifyPassword('IX-pass', prepared)).toBe(true);
    expect(await verifyPassword('X-pass', prepared)).toBe(false);
  });
});

describe('hashPassword', () => {
  it('defaults to ARGON2ID with Dovecot’s costs', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=65536,t=3,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(needsRehash(h)).toBe(false);
  });

  it.each(SCHEMES.filter((s) => !s.startsWith('ARGON2')))('round-trips %s', async (scheme) => {
    const h = await hashPassword('pässwörd 1', scheme);
    expect(h.startsWith(`{${scheme}}`)).toBe(true);
    expect(await verifyPassword('pässwörd 1', h, quiet)).toBe(true);
    expect(await verifyPassword('pässwörd 2', h, quiet)).toBe(false);
  });

  it('writes Dovecot’s shapes', async () => {
    expect(await hashPassword('pencil', 'BLF-CRYPT')).toMatch(/^\{BLF-CRYPT\}\$2y\$10\$/);
    expect(await hashPassword('pencil', 'blf-crypt', { rounds: 4 })).toMatch(/^\{BLF-CRYPT\}\$2y\$04\$/);
    expect(await hashPassword('pencil', 'SHA512-CRYPT')).toMatch(/^\{SHA512-CRYPT\}\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(await hashPassword('pencil', 'SHA256-CRYPT', { rounds: 10000 })).toMatch(/^\{SHA256-CRYPT\}\$5\$rounds=10000\$/);
    expect(await hashPassword('pencil', 'CRAM-MD5')).toBe('{CRAM-MD5}7f47ace0e2af8f6cdeb72c03243a8c87834e19104164d6a42de72d243adb4080');
    expect(await hashPassword('pencil', 'SHA256')).toBe('{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=');
    expect(await hashPassword('pencil', 'SHA256', { encoding: 'hex' })).toBe(`{SHA256.HEX}${Buffer.from('E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=', 'base64').toString('hex')}`);
    expect(await hashPassword('pencil', 'SCRAM-SHA-1', { rounds: 8192 })).toMatch(/^\{SCRAM-SHA-1\}8192,[^,]{24},[^,]{28},[^,]{28}$/);
    expect(await hashPassword('pencil', 'SSHA512')).toMatch(/^\{SSHA512\}[A-Za-z0-9+/]{91}=$/);
    expect(await hashPassword('pencil', 'ARGON2I', { rounds: 2, memoryCost: 8192 })).toMatch(/^\{ARGON2I\}\$argon2i\$v=19\$m=8192,t=2,p=1\$/);
    expect(await hashPassword('pencil', 'PLAIN')).toBe('{PLAIN}pencil');
  });

  it('refuses unknown schemes, bad options and unusable passwords with typed errors', async () => {
    await expect(hashPassword('x', 'MD4')).rejects.toMatchObject({ code: 'unknown-scheme' });
    await expect(hashPassword('x', 'SHA512-CRYPT', { rounds: 10 })).rejects.toMatchObject({ code: 'unsupported' });
    await expect(hashPassword('x', 'BLF-CRYPT', { rounds: 32 })).rejects.toMatchObject({ code: 'unsupported' });
    await expect(hashPassword('x', 'SCRAM-SHA-256', { rounds: 100 })).rejects.toMatchObject({ code: 'unsupported' });
    await expect(hashPassword('', 'SHA256')).rejects.toMatchObject({ code: 'bad-password' });
    await expect(hashPassword('a\0b', 'SHA256')).rejects.toMatchObject({ code: 'bad-password' });
    await expect(hashPassword('x'.repeat(73), 'BLF-CRYPT')).rejects.toMatchObject({ code: 'bad-password' });
  });
});

describe('saslCapabilities', () => {
  it.each([
    ['{PLAIN}pencil', ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'APOP']],
    ['{CRAM-MD5}7f47ace0e2af8f6cdeb72c03243a8c87834e19104164d6a42de72d243adb4080', ['PLAIN', 'LOGIN', 'CRAM-MD5']],
    [DOVEADM_PENCIL[15], ['PLAIN', 'LOGIN', 'SCRAM-SHA-256']],
    [DOVEADM_PENCIL[16], ['PLAIN', 'LOGIN', 'SCRAM-SHA-1']],
    [DOVEADM_PENCIL[0], ['PLAIN', 'LOGIN']],
    [DOVEADM_PENCIL[3], ['PLAIN', 'LOGIN']],
    ['{MD4}x', []],
  ])('%s', (stored, expected) => {
    expect(saslCapabilities(stored as string)).toEqual(expected);
  });

  it('verifies APOP only against {PLAIN}', () => {
    // RFC 1939 §7 example: MD5("<1896.697170952@dbc.mtview.ca.us>tanstaaf").
    const ts = '<1896.697170952@dbc.mtview.ca.us>';
    expect(verifyApop('{PLAIN}tanstaaf', ts, 'c4c9334bac560ecc979e58001b3e22fb')).toBe(true);
    expect(verifyApop('{PLAIN}tanstaaf', ts, 'C4C9334BAC560ECC979E58001B3E22FB')).toBe(true);
    expect(verifyApop('{PLAIN}tanstaaX', ts, 'c4c9334bac560ecc979e58001b3e22fb')).toBe(false);
    expect(verifyApop('{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=', ts, 'c4c9334bac560ecc979e58001b3e22fb')).toBe(false);
    expect(verifyApop('{PLAIN}tanstaaf', ts, 'not-hex')).toBe(false);
  });
});

describe('dummyVerify', () => {
  it('always fails and costs about what a real default verification costs', async () => {
    const real = await hashPassword('pencil');
    await verifyPassword('pencil', real); // warm up the native module
    const time = async (f: () => Promise<unknown>) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) await f();
      return Number(process.hrtime.bigint() - t) / 3e6;
    };
    const realMs = await time(() => verifyPassword('wrong', real));
    const dummyMs = await time(() => dummyVerify('wrong'));
    expect(await dummyVerify('pencil')).toBe(false);
    expect(await dummyVerify('pencil', '{PLAIN}pencil')).toBe(false);
    expect(dummyMs).toBeGreaterThan(realMs * 0.25);
    expect(dummyMs).toBeLessThan(realMs * 4);
    expect(needsRehash(DUMMY_STORED)).toBe(false);
  });

  it('advises rehashing other schemes and cheaper costs', () => {
    expect(needsRehash('{PLAIN}x')).toBe(true);
    expect(needsRehash('{MD4}x')).toBe(true);
    expect(needsRehash(DOVEADM_PENCIL[0] as string)).toBe(false);
    expect(needsRehash('{ARGON2ID}$argon2id$v=19$m=4096,t=3,p=1$juLuiaKTc7/di0IJtT3beg$uV6oGoTaG21RJRpJdE7Yp3FDLvyLP/XV5YxsBCSQ0OQ')).toBe(true);
    expect(needsRehash(DOVEADM_PENCIL[3] as string, 'SHA512-CRYPT')).toBe(false);
  });
});
