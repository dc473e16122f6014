// Lists of networks such as `mynetworks`: IPv4 and IPv6 addresses or CIDR networks, matched against client
// addresses (IPv4-mapped IPv6 clients match IPv4 entries).
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { normalizeIp } from './address.js';

export class NetworkListError extends Error {
  constructor(readonly entry: string) {
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
      if (prefixText !== undefined && !/^\d+$/.test(prefixText)) throw new NetworkListError(entry);
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (prefix > max) throw new NetworkListError(entry);
      this.list.addSubnet(addr, prefix, family);
    }
  }

  /** Whether `ip` lies in one of the networks; false for anything that is not an address. */
  contains(ip: string): boolean {
    const n = normalizeIp(ip);
    if (isIPv4(n)) return this.list.check(n, 'ipv4');
    if (isIPv6(n)) return this.list.check(n, 'ipv6');
    return false;
  }
}
