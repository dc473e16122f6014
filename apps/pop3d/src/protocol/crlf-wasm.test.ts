// The WebAssembly routine embedded in crlf-wasm.ts is what crlf.wat builds to (checked where WABT's wat2wasm is
// installed); its behaviour is tested through MessageEncoder (message-encoder.test.ts).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CRLF_WASM } from './crlf-wasm.js';

function wat2wasm(): Buffer | null {
  try {
    return execFileSync('wat2wasm', [fileURLToPath(new URL('./crlf.wat', import.meta.url)), '--output=-']);
  } catch {
    return null;
  }
}

describe('crlf.wat', () => {
  const built = wat2wasm();
  it.skipIf(built === null)('builds to the module embedded in crlf-wasm.ts', () => {
    expect(built?.toString('base64')).toBe(CRLF_WASM);
  });
});
