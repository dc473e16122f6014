// Relative file paths in the configuration: resolved against the directory of the file that holds them
// (or the working directory, for the environment), so a configuration reads the same from any directory.
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { kindOf } from './schema/values.js';
import { child, unwrap } from './schema/walk.js';

/** True for the keys that name files: paths.*, tls cert/key/ca (also per SNI name), passwordFile, saslPasswords. */
export function isFileKey(schema: z.ZodType): boolean {
  return kindOf(unwrap(schema).schema) === 'file';
}

/**
 * Returns `value` with every relative path at a file key made absolute against `base`. Walks the value along the
 * schema; values of the wrong type are left alone for validation to report.
 */
export function resolveFilePaths(value: unknown, schema: z.ZodType, base: string): unknown {
  if (typeof value === 'string') return isFileKey(schema) && value !== '' && !isAbsolute(value) ? resolve(base, value) : value;
  if (Array.isArray(value)) return value.map((v, i) => (child(schema, i) ? resolveFilePaths(v, child(schema, i)!, base) : v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = child(schema, k);
      // defineProperty: a key named __proto__ stays an ordinary key (and is reported as unknown).
      Object.defineProperty(out, k, { value: sub ? resolveFilePaths(v, sub, base) : v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
