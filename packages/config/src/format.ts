// Printing a loaded configuration the way a person writes it: sizes as 25M, durations as 4h.
import type { z } from 'zod';
import { ConfigSchema } from './schema/index.js';
import { kindOf } from './schema/values.js';
import { child, unwrap } from './schema/walk.js';

const SIZE_UNITS: [string, number][] = [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]];
const DURATION_UNITS: [string, number][] = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** 26214400 → `25M`; a size that is no whole number of any unit stays a number of bytes. */
export function formatSize(bytes: number): string | number {
  for (const [unit, factor] of SIZE_UNITS) if (bytes > 0 && bytes % factor === 0) return `${bytes / factor}${unit}`;
  return bytes;
}

/** 14400000 → `4h`, 1500 → `1500ms`, 0 → `0ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, factor] of DURATION_UNITS) if (ms > 0 && ms % factor === 0) return `${ms / factor}${unit}`;
  return `${ms}ms`;
}

/** `value` (a loaded configuration, or part of one at `schema`) with sizes and durations written with units. */
export function humanize(value: unknown, schema: z.ZodType = ConfigSchema): unknown {
  const kind = kindOf(unwrap(schema).schema);
  if (typeof value === 'number' && kind === 'size') return formatSize(value);
  if (typeof value === 'number' && kind === 'duration') return formatDuration(value);
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      const sub = child(schema, i);
      return sub ? humanize(v, sub) : v;
    });
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = child(schema, k);
      Object.defineProperty(out, k, { value: sub ? humanize(v, sub) : v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
