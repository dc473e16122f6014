// Shared helpers of the whole-stack tests.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A DNS server that is not there (nothing listens on the discard port): every lookup fails at once. */
export const NO_DNS = '127.0.0.1:9';

/** Polls until `check` holds; fails with `describe()` in the message after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms${describe ? `:\n${describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
