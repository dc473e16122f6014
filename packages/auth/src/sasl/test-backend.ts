// Test support: an in-memory SaslBackend over stored passwords, and a SCRAM client that computes proofs.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { dummyVerify, verifyPassword } from '../password/verify.js';
import type { SaslBackend } from './types.js';

export interface MemoryBackendOptions {
  /** account → identities it may act as. */
  proxies?: Record<string, string[]>;
  /** Make every call reject (a database outage). */
  failing?: boolean;
}

/** Users keyed by lower-cased name; the canonical account is the key. */
export function memoryBackend(users: Record<string, string>, opts: MemoryBackendOptions = {}): SaslBackend & { calls: string[] } {
  const calls: string[] = [];
  const find = (name: string) => {
    const account = name.toLowerCase();
    const stored = users[account];
    return stored === undefined ? null : { account, stored };
  };
  return {
    calls,
    async verifyPlain(authcid, password) {
      calls.push(`verifyPlain ${authcid}`);
      if (opts.failing) throw new Error('backend down');
      const user = find(authcid);
      if (!user) return dummyVerify(password, '{SHA256}E4CWaPtDY4Zwb2fcsFLtWEoEuhaowCoX1m00ww/O2iE=').then(() => null);
      return (await verifyPassword(password, user.stored, { log: { warn: () => undefined } })) ? user.account : null;
    },
    async storedSecret(authcid) {
      calls.push(`storedSecret ${authcid}`);
      if (opts.failing) throw new Error('backend down');
      return find(authcid);
    },
    async mayActAs(account, authzid) {
      calls.push(`mayActAs ${account} ${authzid}`);
      if (opts.failing) throw new Error('backend down');
      return opts.proxies?.[account]?.includes(authzid) ?? false;
    },
  };
}

/** The client side of SCRAM, enough to drive the server in tests. */
export function scramClient(hash: 'sha1' | 'sha256', password: string, clientFirstBare: string, gs2Header = 'n,,') {
  return {
    first: Buffer.from(gs2Header + clientFirstBare),
    /** Computes client-final for a server-first; returns it and the server signature to expect. */
    final(serverFirst: string, overrides: { nonce?: string; c?: string } = {}) {
      const attrs = Object.fromEntries(serverFirst.split(',').map((a) => [a[0], a.slice(2)]));
      const salt = Buffer.from(attrs.s ?? '', 'base64');
      const salted = pbkdf2Sync(password, salt, Number(attrs.i), hash === 'sha1' ? 20 : 32, hash);
      const clientKey = createHmac(hash, salted).update('Client Key').digest();
      const storedKey = createHash(hash).update(clientKey).digest();
      const withoutProof = `c=${overrides.c ?? Buffer.from(gs2Header).toString('base64')},r=${overrides.nonce ?? attrs.r}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const signature = createHmac(hash, storedKey).update(authMessage).digest();
      const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0)));
      const serverKey = createHmac(hash, salted).update('Server Key').digest();
      return {
        message: Buffer.from(`${withoutProof},p=${proof.toString('base64')}`),
        serverFinal: `v=${createHmac(hash, serverKey).update(authMessage).digest('base64')}`,
      };
    },
  };
}
