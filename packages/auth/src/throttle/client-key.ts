// How a client address is counted for throttling: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 by its /64
// (one subscriber usually holds a whole /64, so counting single addresses would be trivially evaded).
import { isIP } from 'node:net';

/** Expands an IPv6 address to eight 16-bit groups; null when it is not one. */
function ipv6Groups(text: string): number[] | null {
  if (isIP(text) !== 6) return null;
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    s = `${s.slice(0, -v4[1]!.length)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : null;
}

/**
 * The throttling key of a client address: `192.0.2.7`, or `2001:db8:1:2::/64` for any address of that /64.
 * Accepts `[addr]`, zone ids (`fe80::1%eth0`) and a key in its own form. Null when `text` is not an address.
 */
export function clientKey(text: string): string | null {
  let s = text.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (s.endsWith('/64')) s = s.slice(0, -3);
  if (isIP(s) === 4) return s;
  const g = ipv6Groups(s);
  if (!g) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}
