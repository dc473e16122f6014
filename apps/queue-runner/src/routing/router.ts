// Where each recipient goes: the transport map first, then the relayhost (smarthost, TLS and AUTH), else the MX
// of the recipient's domain; with the TLS level from tlsPolicy and the SASL credentials of the next hop.
import type { TlsLevel } from '../smtp/session.js';
import { nexthopKey, parseNexthop, SMTP_PORT, toALabel, type SmtpNexthop } from './nexthop.js';
import type { SaslCredentials } from './sasl-passwords.js';
import type { TransportMap } from './transport-map.js';

export interface SmtpRoute {
  kind: 'smtp';
  /** Identifies the destination: recipients with the same key share connections and a concurrency limit. */
  key: string;
  nexthop: SmtpNexthop;
  tls: TlsLevel;
  credentials?: SaslCredentials;
  /** The route is the configured relayhost. */
  relay: boolean;
}

export type Route = SmtpRoute | { kind: 'local' } | { kind: 'invalid'; status: string; text: string };

export interface RouterOptions {
  transport: TransportMap;
  relayhost?: string;
  sasl: ReadonlyMap<string, SaslCredentials>;
  tls: TlsLevel;
  tlsPolicy: Readonly<Record<string, TlsLevel>>;
}

export class Router {
  private readonly relayhost: SmtpNexthop | undefined;
  private readonly policy: Map<string, TlsLevel>;

  /** Throws NexthopSyntaxError for a bad relayhost. */
  constructor(private readonly options: RouterOptions) {
    this.relayhost = options.relayhost ? parseNexthop(options.relayhost) : undefined;
    this.policy = new Map();
    for (const [k, v] of Object.entries(options.tlsPolicy)) {
      const key = k.trim().toLowerCase();
      let normalized = key;
      if (key.startsWith('[') || /:\d+$/.test(key)) {
        try {
          normalized = nexthopKey(parseNexthop(key));
        } catch {
          normalized = key;
        }
      } else {
        normalized = key.startsWith('.') ? `.${toALabel(key.slice(1)) ?? key.slice(1)}` : (toALabel(key) ?? key);
      }
      this.policy.set(normalized, v);
    }
  }

  /** The route for one recipient address. */
  route(address: string): Route {
    const at = address.lastIndexOf('@');
    const domain = at > 0 ? toALabel(address.slice(at + 1)) : null;
    if (domain === null) return { kind: 'invalid', status: '5.1.2', text: `bad destination domain in <${address}>` };
    const transport = this.options.transport.lookup(address);
    if (transport?.kind === 'local') return { kind: 'local' };
    if (transport?.kind === 'smtp') return this.smtp(transport, domain, false);
    if (transport?.kind === 'smtp-domain') return this.smtp({ kind: 'smtp', host: domain, port: transport.port, mx: true }, domain, false);
    if (this.relayhost) return this.smtp(this.relayhost, domain, true);
    return this.smtp({ kind: 'smtp', host: domain, port: SMTP_PORT, mx: true }, domain, false);
  }

  private smtp(nexthop: SmtpNexthop, domain: string, relay: boolean): SmtpRoute {
    const hop = nexthopKey(nexthop);
    const credentials = this.options.sasl.get(hop);
    // A relayhost and any next hop with credentials needs TLS: a password never crosses the network in clear text.
    const tls = relay || credentials ? 'encrypt' : this.tlsLevel(nexthop, domain);
    return { kind: 'smtp', key: `${hop}|${tls}|${credentials?.user ?? ''}`, nexthop, tls, relay, ...(credentials ? { credentials } : {}) };
  }

  /** tlsPolicy by next hop ("[host]:port"), next-hop host, recipient domain, then parent domains (".example.com"); else the default. */
  tlsLevel(nexthop: SmtpNexthop, domain: string): TlsLevel {
    const direct = this.policy.get(nexthopKey(nexthop)) ?? this.policy.get(nexthop.host) ?? this.policy.get(domain);
    if (direct) return direct;
    const labels = domain.split('.');
    for (let i = 1; i < labels.length; i++) {
      const p = this.policy.get(`.${labels.slice(i).join('.')}`);
      if (p) return p;
    }
    return this.options.tls;
  }
}
