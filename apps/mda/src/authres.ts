// SPF, DKIM and DMARC of mail from untrusted clients (RFC 7208, 6376, 7489), recorded as an Authentication-Results
// field (RFC 8601) and a Received-SPF field (RFC 7208 §9.1) on top of each delivered copy. Nothing is rejected: the
// result is for filters and readers. Mail from authenticated senders, from trusted networks and mail the suite made
// itself is not checked (there is nothing to learn from it).
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { Logger } from '@mail/log';
import { normalizeIp, type NetworkList } from '@mail/net';
import type { DeliverJob } from '@mail/queue';
import { authenticate, type DNSResolver } from 'mailauth';
import type { OpenMessage } from './message.js';

export interface InboundChecks {
  /** authserv-id of the results: this host's name. */
  hostname: string;
  /** Clients trusted to relay (smtpd's mynetworks): their mail is not checked. */
  trusted: NetworkList;
  resolver: DNSResolver;
}

/** How long an answer (or a "no such name") is reused: mail from one domain comes in runs. */
const CACHE_MS = 60_000;
const CACHE_ENTRIES = 10_000;
/** The whole check of one message gives up after this long (and the message is delivered without results). */
const CHECK_TIMEOUT_MS = 15_000;

/**
 * A DNS resolver for the checks: the given servers (ip or ip:port) or the system's, with short timeouts, and
 * answers and failures kept for a minute, so that a run of mail from one domain asks once.
 */
export function checkResolver(servers: readonly string[]): DNSResolver {
  // Two tries of 2 s: a lookup that hangs makes the result "temperror", not a stalled delivery.
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  const cache = new Map<string, { until: number; answer: Promise<string[][] | string[]> }>();
  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.answer;
    const answer = resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
    answer.catch(() => undefined); // callers see the rejection; the cache keeps it as it is
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, { until: now + CACHE_MS, answer });
    return answer;
  };
}

/** Whether an Authentication-Results value names `hostname` as its authserv-id (case-insensitive, comments skipped). */
export function isAuthservId(value: string, hostname: string): boolean {
  const id = value.replace(/\([^)]*\)/g, ' ').trim().split(/[\s;]+/)[0] ?? '';
  return id.toLowerCase() === hostname.toLowerCase();
}

/** Whether a message of this job gets checked. */
export function needsChecks(checks: InboundChecks, received: DeliverJob['received']): boolean {
  if (received.authUser !== undefined || received.protocol.toLowerCase() === 'local') return false;
  // Not an IP address: a message the suite made; nothing to check.
  return isIP(normalizeIp(received.clientAddress)) !== 0 && !checks.trusted.contains(received.clientAddress);
}

/**
 * The fields to put on top of the message (ending in `eol`), or an empty buffer when the message is not checked.
 * A failure of the checker itself is logged and costs the fields, never the delivery.
 */
export async function authenticationFields(checks: InboundChecks, data: DeliverJob, open: OpenMessage, eol: '\r\n' | '\n', log: Logger): Promise<Buffer> {
  if (!needsChecks(checks, data.received)) return Buffer.alloc(0);
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const checked = authenticate(Readable.from(open()), {
      ip: data.received.clientAddress,
      ...(data.received.helo ? { helo: data.received.helo } : {}),
      sender: data.sender,
      mta: checks.hostname,
      resolver: checks.resolver,
      disableBimi: true,
    });
    checked.catch(() => undefined); // when the timeout wins
    const { headers } = await Promise.race([checked, timeout]).finally(() => clearTimeout(timer));
    const text = eol === '\r\n' ? headers : headers.replace(/\r\n/g, '\n');
    return Buffer.from(text, 'utf8');
  } catch (err) {
    log.warn({ err, spoolId: data.spoolId }, 'SPF/DKIM/DMARC check failed; delivering without Authentication-Results');
    return Buffer.alloc(0);
  }
}
