// The relay decision for one recipient, as Postfix's `permit_mynetworks, permit_sasl_authenticated,
// reject_unauth_destination`: local domains are open to everyone; other domains only to trusted clients.
// Local parts that carry routing (`user%remote@`, `remote!user@`, `"user@remote"@`) are never treated as local.
import { Enhanced, Reply } from './protocol/codes.js';
import { echo, reply, type SmtpReply } from './protocol/reply.js';
import type { Mailbox } from './protocol/address.js';

export interface RelayInput {
  /** The final mailbox: any source route has already been dropped (RFC 5321 §4.1.1.3). */
  mailbox: Mailbox;
  /** Whether the mailbox's domain is a local domain (address literals never are). */
  localDomain: boolean;
  /** The client authenticated with AUTH. */
  authenticated: boolean;
  /** The client address is in mynetworks. */
  trustedNetwork: boolean;
}

export type RelayDecision = { kind: 'local' } | { kind: 'relay' } | { kind: 'reject'; reply: SmtpReply };

/**
 * Routing hidden in a local part: the `%` hack, UUCP bang paths, or an `@` inside a quoted local part. Mail
 * systems that honour these would forward the message onward, which turns a local domain into an open relay.
 */
export function routingInLocalPart(localPart: string): '%' | '!' | '@' | undefined {
  if (localPart.includes('@')) return '@';
  if (localPart.includes('%')) return '%';
  if (localPart.includes('!')) return '!';
  return undefined;
}

export function relayDenied(address: string): SmtpReply {
  return reply(Reply.TransactionFailed, Enhanced.DeliveryNotAuthorized, `<${echo(address)}>: Relay access denied`);
}

export function decideRelay(input: RelayInput): RelayDecision {
  const { mailbox } = input;
  const trusted = input.authenticated || input.trustedNetwork;
  const routed = routingInLocalPart(mailbox.localPart);
  if (input.localDomain && !routed) return { kind: 'local' };
  if (input.localDomain) {
    // Neither delivered here (no such mailbox may be reached through a catch-all) nor passed on.
    if (!trusted) return { kind: 'reject', reply: relayDenied(mailbox.address) };
    return {
      kind: 'reject',
      reply: reply(Reply.MailboxUnavailable, Enhanced.DeliveryNotAuthorized, `<${echo(mailbox.address)}>: Recipient address rejected: routing in the local part is not accepted`),
    };
  }
  if (trusted) return { kind: 'relay' };
  return { kind: 'reject', reply: relayDenied(mailbox.address) };
}
