// Server names for SNI: validation of configured names and patterns, and the lookup order exact → one-label wildcard → default.
import { isIP } from 'node:net';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-cases a DNS name and drops one trailing dot; `undefined` when it is not a plausible host name. */
export function normalizeServerName(name: string): string | undefined {
  let n = name.trim().toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n.length === 0 || n.length > 253 || isIP(n) !== 0) return undefined;
  // Underscores are tolerated in SNI (some internal names carry them); everything else must be LDH.
  return n.split('.').every((l) => LABEL.test(l.replace(/_/g, 'a'))) ? n : undefined;
}

/**
 * Validates a configured SNI key: a host name (`mail.example.test`) or a wildcard covering exactly one label
 * (`*.example.test`). Returns the normalized form, or `undefined` when the key is not acceptable.
 */
export function normalizeSniPattern(pattern: string): string | undefined {
  const p = pattern.trim().toLowerCase();
  if (p.startsWith('*.')) {
    const rest = normalizeServerName(p.slice(2));
    return rest ? `*.${rest}` : undefined;
  }
  return normalizeServerName(p);
}

/** Finds the entry for a server name: exact match first, then the wildcard of its parent, else `undefined`. */
export class SniTable<T> {
  private readonly entries = new Map<string, T>();

  /** Adds an entry under an already normalized name or pattern. */
  set(pattern: string, value: T): void {
    this.entries.set(pattern, value);
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(servername: string | undefined): T | undefined {
    if (!servername) return undefined;
    const name = normalizeServerName(servername);
    if (!name) return undefined;
    const exact = this.entries.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    // "*.example.test" covers "a.example.test" but neither "example.test" nor "a.b.example.test" (RFC 6125 §6.4.3).
    if (dot <= 0 || dot === name.length - 1) return undefined;
    return this.entries.get(`*${name.slice(dot)}`);
  }
}
