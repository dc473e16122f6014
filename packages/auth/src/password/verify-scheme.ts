// Checks a plaintext password against one parsed stored password, scheme by scheme.
import { createHash, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { equalBytes, equalSecret } from './compare.js';
import { cramMd5Context } from './cram-md5.js';
import { saslprep } from './saslprep.js';
import { keysFromSalted } from './scram-secret.js';
import { shaCrypt } from './sha-crypt.js';
import type { StoredPassword } from './stored.js';

const pbkdf2Async = promisify(pbkdf2);

/** Whether `password` matches `stored`. Never throws for a parsed value: library failures count as a mismatch. */
export async function verifyParsed(stored: StoredPassword, password: string): Promise<boolean> {
  const pw = Buffer.from(password, 'utf8');
  switch (stored.kind) {
    case 'plain':
      return equalSecret(pw, Buffer.from(stored.password, 'utf8'));
    case 'digest':
      return equalBytes(createHash(stored.algorithm).update(pw).digest(), stored.digest);
    case 'salted-digest':
      return equalBytes(createHash(stored.algorithm).update(pw).update(stored.salt).digest(), stored.digest);
    case 'cram-md5':
      return equalBytes(cramMd5Context(pw), stored.context);
    case 'sha-crypt':
      return equalSecret(shaCrypt(pw, stored.hash), stored.hash);
    case 'bcrypt':
      try {
        // $2y$ (Dovecot, PHP) and $2b$ are the same algorithm; bcryptjs reads both.
        return await bcrypt.compare(password, stored.hash);
      } catch {
        return false;
      }
    case 'argon2':
      try {
        return await argon2.verify(stored.hash, password);
      } catch {
        return false;
      }
    case 'scram': {
      const { keys } = stored;
      // Clients SASLprep the password; Dovecot stores it as typed. Try the prepared form, then the raw one if it differs.
      const prepared = saslprep(password);
      const candidates = prepared !== null && prepared !== password ? [prepared, password] : [password];
      let match = false;
      for (const candidate of candidates) {
        const salted = await pbkdf2Async(Buffer.from(candidate, 'utf8'), keys.salt, keys.iterations, keys.storedKey.length, keys.hash);
        if (equalBytes(keysFromSalted(keys.hash, salted, keys.salt, keys.iterations).storedKey, keys.storedKey)) match = true;
      }
      return match;
    }
  }
}
