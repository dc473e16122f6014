// Postfix-style next-hop syntax: `[host]:port` (no MX lookup), `host:port` / `host` (MX lookup of host) and
// transport map values `smtp:<nexthop>`, `smtp:` (the recipient's own domain) and `local`.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** Where to send: a host name looked up by MX (`mx: true`) or used as is (A/AAAA or an IP literal). */
export interface SmtpNexthop {
  kind: 'smtp';
  host: string;
  port: number;
  mx: boolean;
}

/** A transport map result: SMTP to a next hop, SMTP by the recipient domain's own MX (`host` absent), or local delivery. */
export type Transport = SmtpNexthop | { kind: 'smtp-domain'; port: number } | { kind: 'local' };

/** A next hop or transport that does not parse; names the text and the problem. */
export class NexthopSyntaxError extends Error {
  override name = 'NexthopSyntaxError';
}

export const SMTP_PORT = 25;

/** A host name as a lowercase A-label string (IDNA), or null when it is not a valid DNS name. */
export function toALabel(name: string): string | null {
  const trimmed = name.trim().replace(/\.$/, '');
  if (trimmed === '') return null;
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || ascii.length > 253) return null;
  if (!ascii.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(l))) return null;
  return ascii.toLowerCase();
}

function parsePort(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new NexthopSyntaxError(`'${whole}': '${text}' is not a port number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new NexthopSyntaxError(`'${whole}': port ${port} is out of range`);
  return port;
}

/** Parses `[host]:port`, `[host]`, `host:port` or `host`; `[ipv6:addr]` and `[addr]` take IPv6 literals. */
export function parseNexthop(text: string): SmtpNexthop {
  const s = text.trim();
  if (s === '') throw new NexthopSyntaxError('an empty next hop');
  let hostPart: string;
  let rest: string;
  let mx: boolean;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw new NexthopSyntaxError(`'${text}': missing ']'`);
    hostPart = s.slice(1, end).replace(/^ipv6:/i, '');
    rest = s.slice(end + 1);
    mx = false;
  } else {
    if (s.split(':').length > 2) throw new NexthopSyntaxError(`'${text}': write IPv6 addresses in brackets, [ipv6:addr]`);
    const colon = s.indexOf(':');
    hostPart = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
    mx = isIP(hostPart) === 0;
  }
  let port = SMTP_PORT;
  if (rest !== '') {
    if (!rest.startsWith(':')) throw new NexthopSyntaxError(`'${text}': unexpected '${rest}'`);
    port = parsePort(rest.slice(1), text);
  }
  if (isIP(hostPart) !== 0) return { kind: 'smtp', host: hostPart, port, mx: false };
  const host = toALabel(hostPart);
  if (host === null) throw new NexthopSyntaxError(`'${text}': '${hostPart}' is not a host name`);
  return { kind: 'smtp', host, port, mx };
}

/** Parses a transport map value: `local`, `smtp:`, `smtp:[host]:port`, `smtp:host` (also `relay:` as a synonym of smtp). */
export function parseTransport(text: string): Transport {
  const s = text.trim();
  if (/^(local|virtual|lmtp|deliver)(:.*)?$/i.test(s)) return { kind: 'local' };
  const m = /^(smtp|relay):(.*)$/i.exec(s);
  if (!m) throw new NexthopSyntaxError(`'${text}': a transport is local, smtp:, smtp:[host]:port or smtp:host`);
  const nexthop = m[2]!.trim();
  if (nexthop === '') return { kind: 'smtp-domain', port: SMTP_PORT };
  if (nexthop.startsWith(':')) return { kind: 'smtp-domain', port: parsePort(nexthop.slice(1), text) };
  return parseNexthop(nexthop);
}

/** A canonical text for a next hop (`[host]:port` or `host:port`), used as a key for SASL and TLS policy lookups. */
export function nexthopKey(hop: SmtpNexthop): string {
  return hop.mx ? `${hop.host}:${hop.port}` : `[${hop.host}]:${hop.port}`;
}
