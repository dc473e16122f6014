// Destination lookup: MX records sorted by preference with random order among equals (RFC 5321 §5.1), the A/AAAA
// fallback of a domain without MX, null MX (RFC 7505), through a resolver that may use config.dnsServers.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One host to try, in order; `preference` is the MX preference (0 for an implicit MX). */
export interface MxHost {
  name: string;
  preference: number;
}

export type MxResult = { kind: 'hosts'; hosts: MxHost[] } | { kind: 'null-mx' } | { kind: 'no-domain' };

/** A DNS failure that may heal (SERVFAIL, timeout, refused): the delivery is deferred. */
export class DnsTemporaryError extends Error {
  override name = 'DnsTemporaryError';
}

/** The subset of node:dns/promises Resolver that delivery needs (a test may pass its own). */
export interface DnsResolver {
  resolveMx(name: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** Parses "ip" or "ip:port" or "[ipv6]:port" into the form Resolver.setServers takes. */
export function dnsServerAddress(text: string): string {
  const s = text.trim();
  if (isIP(s) !== 0) return isIP(s) === 6 ? `[${s}]` : s;
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:]+):(\d{1,5})$/.exec(s);
  if (!m || isIP(m[1]!) === 0 || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error(`'${text}' is not a DNS server (ip or ip:port)`);
  return isIP(m[1]!) === 6 ? `[${m[1]}]:${m[2]}` : `${m[1]}:${m[2]}`;
}

/** A resolver on config.dnsServers, or on the system's resolvers when the list is empty. */
export function createResolver(servers: readonly string[], timeoutMs = 5_000): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers.map(dnsServerAddress));
  return resolver;
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME']);

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
}

/** Sorts by preference; hosts of equal preference in random order (`random` returns [0, 1)). Drops duplicates. */
export function orderMx(records: ReadonlyArray<{ exchange: string; priority: number }>, random: () => number = Math.random): MxHost[] {
  const keyed = records.map((r) => ({ name: r.exchange.replace(/\.$/, '').toLowerCase(), preference: r.priority, key: random() }));
  keyed.sort((a, b) => a.preference - b.preference || a.key - b.key);
  const seen = new Set<string>();
  const out: MxHost[] = [];
  for (const r of keyed) {
    if (seen.has(r.name)) continue;
    seen.add(r.name);
    out.push({ name: r.name, preference: r.preference });
  }
  return out;
}

/** True for RFC 7505 null MX: a single MX record whose exchange is "." (root), which node reports as "". */
export function isNullMx(records: ReadonlyArray<{ exchange: string; priority: number }>): boolean {
  return records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.');
}

/** Looks up where mail for `domain` (an A-label) goes. Throws DnsTemporaryError for failures worth retrying. */
export async function lookupMx(resolver: DnsResolver, domain: string, random?: () => number): Promise<MxResult> {
  let records: Array<{ exchange: string; priority: number }>;
  try {
    records = await resolver.resolveMx(domain);
  } catch (err) {
    if (!NOT_FOUND.has(code(err))) throw new DnsTemporaryError(`MX lookup of ${domain} failed: ${code(err)}`);
    records = [];
  }
  if (isNullMx(records)) return { kind: 'null-mx' };
  // A null MX among other records is a misconfiguration; the other records are used (RFC 7505 §4.3 leaves it open).
  const usable = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
  if (usable.length > 0) return { kind: 'hosts', hosts: orderMx(usable, random) };
  // RFC 5321 §5.1: no MX → the domain itself is the implicit MX, when it has an address.
  const addresses = await resolveAddresses(resolver, domain);
  return addresses.length > 0 ? { kind: 'hosts', hosts: [{ name: domain, preference: 0 }] } : { kind: 'no-domain' };
}

/** A and AAAA addresses of a host (IPv6 first, like Postfix with inet_protocols=all), or [] when it has none. */
export async function resolveAddresses(resolver: DnsResolver, host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  const settle = async (p: Promise<string[]>): Promise<string[] | Error> => p.catch((err: unknown) => (NOT_FOUND.has(code(err)) ? [] : new DnsTemporaryError(`address lookup of ${host} failed: ${code(err)}`)));
  const [v6, v4] = await Promise.all([settle(resolver.resolve6(host)), settle(resolver.resolve4(host))]);
  const found = [...(Array.isArray(v6) ? v6 : []), ...(Array.isArray(v4) ? v4 : [])];
  if (found.length === 0) {
    const failure = [v6, v4].find((r) => r instanceof Error);
    if (failure) throw failure;
  }
  return found;
}
