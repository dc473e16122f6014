// Constant-time comparison of secrets of any length (crypto.timingSafeEqual needs equal lengths).
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two byte strings in time that depends only on their lengths, and never reveals where they differ. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Compares two secrets through their SHA-256 digests, so neither content nor length leaks through timing. */
export function equalSecret(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
