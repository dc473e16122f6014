// Interoperability with Dovecot: hashes written by `doveadm pw` verify here, and hashes written here pass `doveadm pw -t`.
// doveadm comes from Debian's dovecot-core (scripts/test.sh installs it); a missing doveadm fails these tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hashPassword } from './hash.js';
import { verifyPassword } from './verify.js';

const run = promisify(execFile);

/** Every scheme of the suite that doveadm also implements, as doveadm names it. */
const SCHEMES = [
  'ARGON2ID', 'ARGON2I', 'BLF-CRYPT', 'SHA512-CRYPT', 'SHA256-CRYPT', 'SSHA512', 'SSHA256', 'SSHA', 'SHA512', 'SHA256',
  'SHA', 'CRAM-MD5', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'SHA512.HEX', 'SHA256.B64', 'SSHA512.HEX', 'SHA512-CRYPT.HEX',
];

const PASSWORDS = ['pencil', 'Tr0ub4dor & 3 "quotes" \\ $dollar', 'pässwörd-ünïcode-€'];

async function doveadmHash(scheme: string, password: string): Promise<string> {
  const { stdout } = await run('doveadm', ['pw', '-s', scheme, '-p', password]);
  return stdout.trim();
}

/** Whether `doveadm pw -t` accepts the hash for the password (exit 0 and "(verified)"). */
async function doveadmVerifies(hash: string, password: string): Promise<boolean> {
  try {
    const { stdout } = await run('doveadm', ['pw', '-t', hash, '-p', password]);
    return stdout.includes('(verified)');
  } catch {
    return false;
  }
}

const quiet = { log: { warn: () => undefined } };

describe('doveadm pw interoperability', () => {
  it('has doveadm on the PATH', async () => {
    const { stdout } = await run('doveadm', ['pw', '-l']);
    expect(stdout).toContain('ARGON2ID');
  });

  describe.each(SCHEMES)('%s', (scheme) => {
    it.each(PASSWORDS)('verifies doveadm’s hash of %j', async (password) => {
      const hash = await doveadmHash(scheme, password);
      expect(hash.toUpperCase().startsWith(`{${scheme.toUpperCase()}}`)).toBe(true);
      expect(await verifyPassword(password, hash, quiet)).toBe(true);
      expect(await verifyPassword(`${password}x`, hash, quiet)).toBe(false);
      expect(await verifyPassword(password.slice(1), hash, quiet)).toBe(false);
    });

    it('writes hashes doveadm verifies', async () => {
      const [base = '', suffix] = scheme.split('.');
      const encoding = suffix === undefined ? undefined : suffix.toUpperCase() === 'HEX' ? 'hex' : 'base64';
      for (const password of PASSWORDS) {
        // Keep the Argon2 and bcrypt runs cheap; the costs do not change the format.
        const opts = base.startsWith('ARGON2') ? { rounds: 2, memoryCost: 8192 } : base === 'BLF-CRYPT' ? { rounds: 5 } : {};
        const hash = await hashPassword(password, base, { ...opts, ...(encoding ? { encoding } : {}) });
        expect(await doveadmVerifies(hash, password)).toBe(true);
        expect(await doveadmVerifies(hash, `${password}x`)).toBe(false);
      }
    });
  });

  it('also verifies hashes written with non-default rounds', async () => {
    for (const [scheme, rounds] of [['SHA512-CRYPT', 7000], ['SHA256-CRYPT', 1000], ['BLF-CRYPT', 6], ['SCRAM-SHA-256', 5000]] as const) {
      const { stdout } = await run('doveadm', ['pw', '-s', scheme, '-r', String(rounds), '-p', 'pencil']);
      expect(await verifyPassword('pencil', stdout.trim())).toBe(true);
      const ours = await hashPassword('pencil', scheme, { rounds: scheme === 'SCRAM-SHA-256' ? 8192 : rounds });
      expect(await doveadmVerifies(ours, 'pencil')).toBe(true);
    }
  });
});
