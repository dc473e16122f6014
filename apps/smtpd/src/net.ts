// Client addresses: IPv4-mapped IPv6 normalised, loopback detection, CIDR lists (mynetworks) and the key used to
// count connections per client (an IPv4 address, or the /64 of an IPv6 one).
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** `::ffff:192.0.2.1` → `192.0.2.1`; other addresses unchanged (IPv6 lowercased). */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1] as string;
  return ip.toLowerCase();
}

export function isLoopback(ip: string): boolean {
  const n = normalizeIp(ip);
  return (isIPv4(n) && n.startsWith('127.')) || n === '::1';
}

/** Expands an IPv6 address to eight groups of four hex digits. */
function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  // An embedded IPv4 tail counts as two groups.
  const fix = (groups: string[]): string[] =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const hh = fix(h);
  const tt = fix(t);
  const fill = tail === undefined ? [] : Array<string>(8 - hh.length - tt.length).fill('0');
  return [...hh, ...fill, ...tt].map((g) => g.padStart(4, '0'));
}

/** What connections are counted by: the IPv4 address, or the /64 network of an IPv6 address. */
export function clientKey(ip: string): string {
  const n = normalizeIp(ip);
  if (!isIPv6(n)) return n;
  return `${expandIPv6(n).slice(0, 4).join(':')}::/64`;
}

export class NetworkListError extends Error {
  constructor(entry: string) {
    super(`not a network in CIDR notation: ${entry}`);
    this.name = 'NetworkListError';
  }
}

/** A list of networks such as `mynetworks`: `192.0.2.0/24`, `2001:db8::/32`, or single addresses. */
export class NetworkList {
  private readonly list = new BlockList();
  readonly entries: readonly string[];

  /** Throws NetworkListError for an entry that is not an address or CIDR network. */
  constructor(entries: readonly string[]) {
    this.entries = entries;
    for (const entry of entries) {
      const [addr = '', prefixText, extra] = entry.trim().split('/');
      if (extra !== undefined) throw new NetworkListError(entry);
      const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined;
      if (!family) throw new NetworkListError(entry);
      const max = family === 'ipv4' ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) throw new NetworkListError(entry);
      this.list.addSubnet(addr, prefix, family);
    }
  }

  contains(ip: string): boolean {
    const n = normalizeIp(ip);
    if (isIPv4(n)) return this.list.check(n, 'ipv4');
    if (isIPv6(n)) return this.list.check(n, 'ipv6');
    return false;
  }
}
