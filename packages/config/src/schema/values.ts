// Value types of the configuration that carry more meaning than their JSON type: sizes, durations, file paths, networks.
import { isIP } from 'node:net';
import { z } from 'zod';

/** What a value stands for beyond its type: the loader resolves `file` values, the reference names every kind. */
export type ValueKind = 'size' | 'duration' | 'file' | 'network';

/** Marks schemas with their kind; wrappers (`.default()`, `.describe()`) keep the mark through their parent. */
export const kinds = z.registry<{ kind: ValueKind }>();

/** The kind of a schema, when it has one. */
export function kindOf(schema: z.ZodType): ValueKind | undefined {
  return kinds.get(schema)?.kind;
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** `512K` → 524288; units are powers of 1024 (K, M, G, T, optionally followed by B or iB). */
export function parseSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toUpperCase()] ?? 1));
}

/** `90s` → 90000 (milliseconds); units ms, s, m, h, d, w. */
export function parseDuration(text: string): number {
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Math.round(Number(m[1]) * (DURATION_UNITS[m[2] ?? 'ms'] ?? 1));
}

/** A size in bytes, written as a number or with a unit: 10M, 512K, 1G. */
export const Size = z
  .union([
    z.number().int('a whole number of bytes').nonnegative('a size cannot be negative'),
    z.string().trim().regex(SIZE_RE, 'a size such as 512K, 25M or 1G'),
  ], { error: 'a size such as 512K, 25M or 1G' })
  .transform((v) => (typeof v === 'number' ? v : parseSize(v)))
  .register(kinds, { kind: 'size' });

/** A duration in milliseconds, written as a number of ms or with a unit: 500ms, 30s, 5m, 1h, 5d, 2w. */
export const Duration = z
  .union([
    z.number().int('a whole number of milliseconds').nonnegative('a duration cannot be negative'),
    z.string().trim().regex(DURATION_RE, 'a duration such as 500ms, 30s, 5m, 1h or 5d'),
  ], { error: 'a duration such as 500ms, 30s, 5m, 1h or 5d' })
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)))
  .register(kinds, { kind: 'duration' });

/**
 * A file or directory path. A relative path written in the configuration file is resolved against the directory
 * that holds the file; one given in the environment, against the working directory.
 */
export const FilePath = z.string().min(1, 'an empty path').register(kinds, { kind: 'file' });

/** A client network: an address with an optional prefix length, e.g. 192.0.2.0/24, 2001:db8::/32, 127.0.0.1. */
export const Cidr = z.string().refine((text) => {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}, 'an address or network such as 192.0.2.0/24 or 2001:db8::/32').register(kinds, { kind: 'network' });
