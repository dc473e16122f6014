// The Postfix-style virtual alias map: `pattern targets...` with `user@domain` and `@domain` (catch-all) patterns,
// targets separated by commas and/or blanks, comments and continuation lines. A bare `domain` pattern declares
// a virtual alias domain (Postfix's `example.com anything` convention); its value is ignored.
import { addressKey, normalizeDomain, splitAddress } from './address.js';
import type { SourceProblem } from './errors.js';
import { logicalLines } from './text-lines.js';

export interface VirtualEntry {
  /** Lowercase `local@domain` or `@domain`. */
  key: string;
  /** The pattern as written (for listings and rewrites). */
  pattern: string;
  targets: string[];
  /** Physical line range [start, end). */
  start: number;
  end: number;
}

export interface VirtualMap {
  entries: VirtualEntry[];
  /** Domains declared by bare-domain patterns. */
  aliasDomains: { name: string; line: number }[];
  problems: SourceProblem[];
}

/** Lookup key of a pattern, or null when it is neither `local@domain` nor `@domain`. */
export function virtualKey(pattern: string): string | null {
  if (pattern.startsWith('@')) {
    const d = normalizeDomain(pattern.slice(1));
    return d ? `@${d}` : null;
  }
  return splitAddress(pattern) ? addressKey(pattern) : null;
}

export function parseVirtualMap(lines: readonly string[], file: string): VirtualMap {
  const map: VirtualMap = { entries: [], aliasDomains: [], problems: [] };
  const seen = new Set<string>();
  for (const l of logicalLines(lines, true)) {
    const report = (message: string) => map.problems.push({ file, line: l.start + 1, message });
    const [pattern = '', ...rest] = l.text.split(/\s+/);
    const targets = rest.join(' ').split(/[\s,]+/).filter((t) => t !== '');
    if (!pattern.includes('@')) {
      const d = normalizeDomain(pattern);
      if (d && d.includes('.')) map.aliasDomains.push({ name: d, line: l.start });
      else report(`'${pattern}' is neither local@domain, @domain nor a domain name`);
      continue;
    }
    const key = virtualKey(pattern);
    if (!key) {
      report(`'${pattern}' is neither local@domain nor @domain`);
      continue;
    }
    if (targets.length === 0) {
      report(`${pattern}: no target`);
      continue;
    }
    if (seen.has(key)) {
      report(`duplicate entry '${pattern}' ignored (the first one applies)`);
      continue;
    }
    seen.add(key);
    map.entries.push({ key, pattern, targets, start: l.start, end: l.end });
  }
  return map;
}

/** One map line: `pattern target, target`. */
export function formatVirtualEntry(pattern: string, targets: readonly string[]): string {
  return `${pattern} ${targets.join(', ')}`;
}
