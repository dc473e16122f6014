// The transport map (Postfix transport(5)): recipient address, domain, parent domain (".example.com") or "*" → transport.
import { domainToASCII } from 'node:url';
import { NexthopSyntaxError, parseTransport, type Transport } from './nexthop.js';

export class TransportMap {
  private constructor(private readonly entries: ReadonlyMap<string, Transport>) {}

  /** Parses every entry of config.queueRunner.transport; throws NexthopSyntaxError naming the key of a bad one. */
  static parse(table: Readonly<Record<string, string>>): TransportMap {
    const entries = new Map<string, Transport>();
    for (const [key, value] of Object.entries(table)) {
      const k = normalizeKey(key);
      if (k === null) throw new NexthopSyntaxError(`transport map key '${key}' is not an address, a domain, .domain or *`);
      try {
        entries.set(k, parseTransport(value));
      } catch (err) {
        throw new NexthopSyntaxError(`transport map entry '${key}': ${(err as Error).message}`);
      }
    }
    return new TransportMap(entries);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The transport for a recipient, in Postfix's order: the full address, its domain, each parent domain as
   * ".parent", then "*". Undefined when nothing matches (the default route: relayhost or MX).
   */
  lookup(address: string): Transport | undefined {
    const at = address.lastIndexOf('@');
    if (at > 0) {
      const local = address.slice(0, at);
      const domain = asciiDomain(address.slice(at + 1));
      const hit = this.entries.get(`${local.toLowerCase()}@${domain}`);
      if (hit) return hit;
      const byDomain = this.entries.get(domain);
      if (byDomain) return byDomain;
      const labels = domain.split('.');
      for (let i = 1; i < labels.length; i++) {
        const parent = this.entries.get(`.${labels.slice(i).join('.')}`);
        if (parent) return parent;
      }
    }
    return this.entries.get('*');
  }
}

function asciiDomain(domain: string): string {
  const d = domain.trim().replace(/\.$/, '');
  return (domainToASCII(d) || d).toLowerCase();
}

function normalizeKey(key: string): string | null {
  const k = key.trim();
  if (k === '*') return k;
  if (k === '' || /\s/.test(k)) return null;
  const at = k.lastIndexOf('@');
  if (at === 0) return null;
  if (at > 0) return `${k.slice(0, at).toLowerCase()}@${asciiDomain(k.slice(at + 1))}`;
  if (k.startsWith('.')) return `.${asciiDomain(k.slice(1))}`;
  return asciiDomain(k);
}
