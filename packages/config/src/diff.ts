// What `mailctl config show` prints: only the keys whose values differ from the defaults (like `postconf -n`).
import { ConfigSchema, type Config } from './schema/index.js';

export { isSecretKey, redact, redactString } from './redact.js';

/** The configuration that an empty file gives. */
export function defaults(): Config {
  return ConfigSchema.parse({});
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined));
    return [...keys].every((k) => same(a[k], b[k]));
  }
  return false;
}

/**
 * Keys of `config` whose value differs from `base`, as a nested partial object; lists and maps of names
 * (listeners, tls.sni) are compared whole. Keys left unset (undefined) are not differences.
 */
export function differences(config: unknown, base: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(config) || !isPlainObject(base)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const other = base[key];
    if (isPlainObject(value) && isPlainObject(other) && Object.keys(other).length > 0) {
      const sub = differences(value, other);
      if (sub && Object.keys(sub).length > 0) out[key] = sub;
    } else if (!same(value, other)) {
      out[key] = value;
    }
  }
  return out;
}
