// Client addresses as the daemons see them: IPv4-mapped IPv6 written as IPv4, loopback detection, IPv6 expanded
// to its eight groups (embedded IPv4 included), and the key connections and failed logins are counted by.
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 counted as two groups, a zone
 * id such as `%eth0` ignored); null when `text` is not an IPv6 address.
 */
export function ipv6Groups(text: string): number[] | null {
  const ip = text.replace(/%.*$/, '');
  if (!isIPv6(ip)) return null;
  const [head = '', tail] = ip.split('::');
  const split = (part: string): string[] => (part === '' ? [] : part.split(':'));
  // An embedded IPv4 tail (`::ffff:192.0.2.1`, `64:ff9b::198.51.100.7`) counts as two groups.
  const toGroups = (parts: string[]): number[] =>
    parts.flatMap((g) => {
      if (!g.includes('.')) return [parseInt(g, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  const h = toGroups(split(head));
  const t = toGroups(split(tail ?? ''));
  const groups = tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 ? groups : null;
}

/** The dotted IPv4 address inside `::ffff:a.b.c.d` (in either spelling), or null for any other address. */
function mappedIPv4(groups: readonly number[]): string | null {
  if (!groups.slice(0, 5).every((g) => g === 0) || groups[5] !== 0xffff) return null;
  const hi = groups[6] ?? 0;
  const lo = groups[7] ?? 0;
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** `::ffff:192.0.2.1` (or `::ffff:c000:201`) → `192.0.2.1`; other addresses unchanged, IPv6 lowercased. */
export function normalizeIp(ip: string): string {
  const groups = ipv6Groups(ip);
  return (groups && mappedIPv4(groups)) ?? ip.toLowerCase();
}

/** Whether an address is this machine's loopback: 127.0.0.0/8 (also IPv4-mapped) or ::1. */
export function isLoopback(ip: string): boolean {
  const n = normalizeIp(ip);
  if (isIPv4(n)) return n.startsWith('127.');
  const groups = ipv6Groups(n);
  return groups !== null && groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
}

/**
 * What connections and failed logins are counted by: `192.0.2.7` for IPv4 (also IPv4-mapped), `2001:db8:1:2::/64`
 * for any IPv6 address of that /64 (one subscriber usually holds a whole /64, so counting single addresses would
 * be trivially evaded). Accepts `[addr]`, zone ids (`fe80::1%eth0`) and a key in its own form. Null when `text`
 * is not an address.
 */
export function clientKey(text: string): string | null {
  let s = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (s.endsWith('/64')) s = s.slice(0, -3);
  if (isIPv4(s)) return s;
  const groups = ipv6Groups(s);
  if (!groups) return null;
  return mappedIPv4(groups) ?? `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
