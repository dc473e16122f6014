// Delivery of one message to the recipients that share a route: find the hosts (MX or next hop), try each host and
// address in order until one takes the transaction, reuse cached sessions, and report one result per recipient.
import type { ConnectionOptions } from 'node:tls';
import { domainToASCII } from 'node:url';
import { DnsTemporaryError, lookupMx, resolveAddresses, type DnsResolver, type MxHost } from '../routing/mx.js';
import type { SmtpRoute } from '../routing/router.js';
import { SmtpSession, SmtpSessionError } from '../smtp/session.js';
import { sendMessage, type Envelope, type EnvelopeRecipient, type RecipientResult } from '../smtp/transaction.js';
import type { KeyedLimits, Semaphore, SessionCache } from './limits.js';

export interface DestinationContext {
  resolver: DnsResolver;
  ehloName: string;
  localAddress?: string;
  connectTimeout: number;
  commandTimeout: number;
  global: Semaphore;
  perDestination: KeyedLimits;
  sessions: SessionCache;
  /** Most addresses tried for one delivery (Postfix smtp_mx_address_limit). */
  maxAddresses: number;
  tlsOptions?: ConnectionOptions;
}

function allResults(recipients: readonly EnvelopeRecipient[], outcome: RecipientResult['outcome'], status: string, text: string): RecipientResult[] {
  return recipients.map((r) => ({ address: r.address, outcome, status, text }));
}

/** The address to put in RCPT TO: the domain in A-labels unless the message travels with SMTPUTF8. */
export function wireAddress(address: string, smtputf8: boolean): string {
  if (smtputf8) return address;
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const ascii = domainToASCII(address.slice(at + 1));
  return ascii ? `${address.slice(0, at)}@${ascii}` : address;
}

/** The hosts to try for a route, or the results that end the delivery now (null MX, no such domain, DNS failure). */
async function hostsFor(ctx: DestinationContext, route: SmtpRoute, recipients: readonly EnvelopeRecipient[]): Promise<MxHost[] | RecipientResult[]> {
  const hop = route.nexthop;
  if (!hop.mx) return [{ name: hop.host, preference: 0 }];
  try {
    const mx = await lookupMx(ctx.resolver, hop.host);
    if (mx.kind === 'hosts') return mx.hosts;
    if (mx.kind === 'null-mx') return allResults(recipients, 'permanent', '5.1.10', `domain ${hop.host} does not accept mail (null MX, RFC 7505)`);
    return allResults(recipients, 'permanent', '5.4.4', `host or domain name not found: ${hop.host} has no MX and no address`);
  } catch (err) {
    if (err instanceof DnsTemporaryError) return allResults(recipients, 'temporary', '4.4.3', err.message);
    throw err;
  }
}

/**
 * Delivers `message` to `recipients` along `route`. Connection and session failures move on to the next address
 * and host (RFC 5321 §5.1); a server that answered the transaction decides, and its replies are the results.
 */
export async function deliverToDestination(
  ctx: DestinationContext,
  route: SmtpRoute,
  envelope: Omit<Envelope, 'recipients'>,
  recipients: readonly EnvelopeRecipient[],
  message: Buffer,
): Promise<RecipientResult[]> {
  const wired = recipients.map((r) => ({ ...r, address: wireAddress(r.address, envelope.smtputf8) }));
  const back = (results: RecipientResult[]): RecipientResult[] => results.map((r, i) => ({ ...r, address: recipients[i]!.address }));
  return ctx.perDestination.run(route.key, async () => {
    await ctx.global.acquire();
    try {
      const hosts = await hostsFor(ctx, route, wired);
      if (hosts.length > 0 && 'outcome' in hosts[0]!) return back(hosts as RecipientResult[]);
      let lastError = `no host could be reached for ${route.nexthop.host}`;
      let lastStatus = '4.4.1';
      let tried = 0;
      for (const host of hosts as MxHost[]) {
        let addresses: string[];
        try {
          addresses = await resolveAddresses(ctx.resolver, host.name);
        } catch (err) {
          lastError = (err as Error).message;
          lastStatus = '4.4.3';
          continue;
        }
        if (addresses.length === 0) {
          lastError = `host ${host.name} has no address`;
          lastStatus = '4.4.4';
          continue;
        }
        for (const address of addresses) {
          if (tried >= ctx.maxAddresses) break;
          tried++;
          const outcome = await attempt(ctx, route, host.name, address, envelope, wired, message);
          if (outcome.kind === 'results') return back(outcome.results);
          lastError = outcome.error.message;
          lastStatus = outcome.error.reply?.enhanced?.startsWith('4') ? outcome.error.reply.enhanced : outcome.error.phase === 'connect' ? '4.4.1' : '4.4.2';
          if (outcome.final) return back(allResults(wired, 'temporary', lastStatus, lastError));
        }
      }
      return back(allResults(wired, 'temporary', lastStatus, lastError));
    } finally {
      ctx.global.release();
    }
  });
}

type Attempt = { kind: 'results'; results: RecipientResult[] } | { kind: 'failed'; error: SmtpSessionError; final: boolean };

async function attempt(
  ctx: DestinationContext,
  route: SmtpRoute,
  hostname: string,
  address: string,
  envelope: Omit<Envelope, 'recipients'>,
  recipients: readonly EnvelopeRecipient[],
  message: Buffer,
): Promise<Attempt> {
  const cacheKey = `${address}|${route.nexthop.port}|${route.tls}|${route.credentials?.user ?? ''}|${hostname}`;
  const cached = ctx.sessions.take(cacheKey);
  if (cached) {
    const reused = await transact(ctx, cached, cacheKey, envelope, recipients, message);
    // A cached connection the server closed meanwhile fails at MAIL: that says nothing about the host; connect afresh.
    if (reused.kind === 'results' || reused.error.phase !== 'mail') return reused;
  }
  let session: SmtpSession;
  try {
    session = await SmtpSession.open({
      address,
      port: route.nexthop.port,
      hostname,
      ehloName: ctx.ehloName,
      tls: route.tls,
      connectTimeout: ctx.connectTimeout,
      commandTimeout: ctx.commandTimeout,
      ...(ctx.localAddress ? { localAddress: ctx.localAddress } : {}),
      ...(route.credentials ? { credentials: route.credentials } : {}),
      ...(ctx.tlsOptions ? { tlsOptions: ctx.tlsOptions } : {}),
    });
  } catch (err) {
    if (err instanceof SmtpSessionError) return { kind: 'failed', error: err, final: false };
    throw err;
  }
  return transact(ctx, session, cacheKey, envelope, recipients, message);
}

async function transact(
  ctx: DestinationContext,
  session: SmtpSession,
  cacheKey: string,
  envelope: Omit<Envelope, 'recipients'>,
  recipients: readonly EnvelopeRecipient[],
  message: Buffer,
): Promise<Attempt> {
  try {
    const results = await sendMessage(session, { ...envelope, recipients }, message);
    if (await session.reset()) ctx.sessions.put(cacheKey, session);
    else session.close();
    return { kind: 'results', results };
  } catch (err) {
    session.close();
    if (!(err instanceof SmtpSessionError)) throw err;
    // Lost after the message was sent: the server may have taken it; another host now could make a duplicate.
    return { kind: 'failed', error: err, final: err.phase === 'message' };
  }
}
