// From smtpd's envelope to @mail/queue's version 1 jobs: one `deliver` job for the recipients in local domains and
// one `outbound` job for the relayed ones, both carrying the spool id, the DSN parameters and the trace facts.
import type { DeliverJobInput, EnqueueJobs, OutboundJobInput, Recipient } from '@mail/queue';
import type { Envelope, EnvelopeRecipient } from '../ports.js';
import { parseMailbox } from '../protocol/address.js';
import type { Notify } from '../protocol/params.js';

/** RFC 3461 NOTIFY as the job schema spells it: NEVER, or the non-empty list of events. */
export function notifyForJob(n: Notify): Recipient['notify'] {
  if (n.never) return 'NEVER';
  const events: Array<'SUCCESS' | 'FAILURE' | 'DELAY'> = [];
  if (n.success) events.push('SUCCESS');
  if (n.failure) events.push('FAILURE');
  if (n.delay) events.push('DELAY');
  return events.length ? events : undefined;
}

function recipient(r: EnvelopeRecipient): Recipient {
  const out: Recipient = { address: r.address };
  if (r.notify) {
    const notify = notifyForJob(r.notify);
    if (notify) out.notify = notify;
  }
  // RFC 3461 §4.2: ORCPT=addr-type;xtext, kept decoded as "rfc822;user@example.com".
  if (r.orcpt) out.orcpt = `${r.orcpt.type};${r.orcpt.address}`;
  return out;
}

/**
 * RFC 4954 §5 AUTH= for the jobs: the envelope's identity (our client's account, or what a trusted relay asserted)
 * when it is a valid RFC 5321 mailbox, else null (`<>`), which is also what an unauthenticated client gets, whatever
 * AUTH= it gave. An identity that is no mailbox must not be passed on as one (RFC 4954 §5: then "<>").
 */
export function authForJob(envelope: Pick<Envelope, 'auth'>): string | null {
  if (envelope.auth === null) return null;
  try {
    return parseMailbox(envelope.auth).address;
  } catch {
    return null;
  }
}

export interface SpooledMessage {
  spoolId: string;
  size: number;
  /** The Message-ID field body, when the header section has one. */
  messageId?: string | undefined;
}

/** The jobs for an accepted message; `deliver` and/or `outbound` depending on where its recipients are. */
export function jobsFor(envelope: Envelope, spooled: SpooledMessage): EnqueueJobs {
  const c = envelope.client;
  const common = {
    v: 1 as const,
    spoolId: spooled.spoolId,
    size: spooled.size,
    sender: envelope.mailFrom,
    dsn: { ...(envelope.ret ? { ret: envelope.ret } : {}), ...(envelope.envid !== undefined ? { envid: envelope.envid } : {}) },
    received: {
      at: envelope.receivedAt.toISOString(),
      clientAddress: c.ip,
      ...(c.rdns ? { clientHostname: c.rdns } : {}),
      ...(c.helo ? { helo: c.helo } : {}),
      ...(c.account ? { authUser: c.account } : {}),
      protocol: envelope.protocol,
      ...(c.tls ? { tls: { version: c.tls.protocol, cipher: c.tls.cipher } } : {}),
    },
    smtputf8: envelope.smtputf8,
    // The schema knows 8BITMIME only; a BINARYMIME body is 8-bit data too (RFC 3030), never 7-bit clean.
    eightBitMime: envelope.body !== '7BIT',
    ...(spooled.messageId ? { messageId: spooled.messageId } : {}),
    auth: authForJob(envelope),
  };
  const local = envelope.recipients.filter((r) => r.local).map(recipient);
  const remote = envelope.recipients.filter((r) => !r.local).map(recipient);
  const jobs: EnqueueJobs = {};
  if (local.length) jobs.deliver = { ...common, recipients: local } satisfies DeliverJobInput;
  if (remote.length) jobs.outbound = { ...common, recipients: remote, firstAttemptAt: envelope.receivedAt.toISOString() } satisfies OutboundJobInput;
  return jobs;
}

/** How many jobs (and so spool references) an envelope makes. */
export function jobCount(envelope: Envelope): number {
  const local = envelope.recipients.some((r) => r.local);
  const remote = envelope.recipients.some((r) => !r.local);
  return (local ? 1 : 0) + (remote ? 1 : 0);
}

/**
 * Watches a message's header section (up to `limit` octets) go by and finds its Message-ID field body, unfolded;
 * the last one wins as in most MUAs. Never throws; undefined when there is none or it is unusable.
 */
export class MessageIdScanner {
  private head: Buffer[] = [];
  private length = 0;
  private done = false;

  constructor(private readonly limit = 64 * 1024) {}

  feed(piece: Buffer): void {
    if (this.done) return;
    const take = Math.min(piece.length, this.limit - this.length);
    this.head.push(piece.subarray(0, take));
    this.length += take;
    if (this.length >= this.limit || piece.subarray(0, take).includes('\r\n\r\n')) this.done = true;
  }

  messageId(): string | undefined {
    const text = Buffer.concat(this.head, this.length).toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const header = end >= 0 ? text.slice(0, end + 2) : text;
    let found: string | undefined;
    for (const m of header.matchAll(/^Message-ID:[ \t]*((?:[^\r\n]|\r\n[ \t])*)/gim)) found = m[1];
    const value = found?.replace(/\r\n/g, '').trim();
    // The job field takes printable text only, at most 998 octets (RFC 5322 line limit).
    if (!value || value.length > 998 || /[^\x20-\x7e]/.test(value)) return undefined;
    return value;
  }
}
