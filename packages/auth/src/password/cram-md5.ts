// CRAM-MD5 secrets (RFC 2195): HMAC-MD5 responses computed from a password or from Dovecot's 32-byte {CRAM-MD5} context.
import { createHash, createHmac } from 'node:crypto';
import { MD5_IV, deserializeState, md5Block, md5Finish, serializeState } from './md5-state.js';

export const CRAM_MD5_CONTEXT_LENGTH = 32;

/** The HMAC key block: the key (hashed first when longer than 64 bytes) zero-padded to 64 bytes. */
function keyBlock(password: Buffer): Buffer {
  const key = password.length > 64 ? createHash('md5').update(password).digest() : password;
  const block = Buffer.alloc(64);
  key.copy(block);
  return block;
}

/**
 * Dovecot's {CRAM-MD5} stored value: the MD5 states after absorbing the HMAC outer pad block (key ^ 0x5c)
 * and the inner pad block (key ^ 0x36), in that order, each as four little-endian 32-bit words.
 */
export function cramMd5Context(password: Buffer): Buffer {
  const block = keyBlock(password);
  const ipad = Buffer.alloc(64);
  const opad = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    ipad[i] = (block[i] ?? 0) ^ 0x36;
    opad[i] = (block[i] ?? 0) ^ 0x5c;
  }
  return Buffer.concat([serializeState(md5Block(MD5_IV, opad)), serializeState(md5Block(MD5_IV, ipad))]);
}

/** HMAC-MD5(password, challenge) resumed from a stored context, without the password. */
export function cramMd5FromContext(context: Buffer, challenge: Uint8Array): Buffer {
  if (context.length !== CRAM_MD5_CONTEXT_LENGTH) throw new RangeError('CRAM-MD5 context must be 32 bytes');
  const outer = deserializeState(context, 0);
  const inner = deserializeState(context, 16);
  const innerDigest = md5Finish(inner, 64, challenge);
  return md5Finish(outer, 64, innerDigest);
}

/** HMAC-MD5(password, challenge): the digest a CRAM-MD5 client sends, in binary. */
export function cramMd5FromPassword(password: Buffer, challenge: Uint8Array): Buffer {
  return createHmac('md5', password).update(challenge).digest();
}
