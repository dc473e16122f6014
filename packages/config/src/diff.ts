// What `mailctl config show` prints: only the keys whose values differ from the defaults (like `postconf -n`).
import { ConfigSchema, type Config } from './schema/index.js';

/** The configuration that an empty file gives. */
export function defaults(): Config {
  return ConfigSchema.parse({});
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys of `config` whose value differs from `base`, as a nested partial object. */
export function differences(config: unknown, base: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(config) || !isPlainObject(base)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const other = base[key];
    if (isPlainObject(value) && isPlainObject(other)) {
      const sub = differences(value, other);
      if (sub && Object.keys(sub).length > 0) out[key] = sub;
    } else if (JSON.stringify(value) !== JSON.stringify(other)) {
      out[key] = value;
    }
  }
  return out;
}

/** Secrets are never printed: keys named password/secret/key-material are masked. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, /password|secret|token/i.test(k) && typeof v === 'string' ? '********' : redact(v)]),
  );
}
