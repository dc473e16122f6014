// Zod schemas of the jobs that cross Redis (deliver and outbound), versioned with a `v` literal; types come from them.
import { z } from 'zod';

/** Spool ids: 26 characters of Crockford base32 (time-sortable), see spool-id.ts. */
export const SpoolId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a spool id (26 characters of Crockford base32)');

/** True when `s` has no C0 control character and no DEL (CR and LF above all: these strings reach headers and logs). */
export function noControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}
const text = (max: number) => z.string().max(max).refine(noControlCharacters, 'no control characters');

/** A mailbox as it appeared in MAIL FROM/RCPT TO, without angle brackets (RFC 5321 §4.5.3.1.3: a path is at most 256 octets). */
export const Address = z
  .string()
  .min(1)
  .max(512)
  .refine((s) => noControlCharacters(s) && !/[<>]/.test(s), 'an address without angle brackets or control characters');

/** The envelope sender; '' is the null reverse-path `<>` of bounces and auto-replies. */
export const Sender = z.union([z.literal(''), Address]);

/** RFC 3461 NOTIFY: NEVER, or a non-empty set of SUCCESS, FAILURE, DELAY. */
export const Notify = z.union([
  z.literal('NEVER'),
  z
    .array(z.enum(['SUCCESS', 'FAILURE', 'DELAY']))
    .min(1)
    .refine((a) => new Set(a).size === a.length, 'NOTIFY values must not repeat'),
]);
export type Notify = z.infer<typeof Notify>;

export const Recipient = z.object({
  address: Address,
  /** RFC 3461 ORCPT, decoded: "rfc822;user@example.com". */
  orcpt: text(1000).optional(),
  notify: Notify.optional(),
});
export type Recipient = z.infer<typeof Recipient>;

/** RFC 3461 RET and ENVID of the transaction. */
export const Dsn = z
  .object({
    ret: z.enum(['FULL', 'HDRS']).optional(),
    envid: text(100).optional(),
  })
  .default({});
export type Dsn = z.infer<typeof Dsn>;

/** How and from whom smtpd received the message (the facts of its Received: header). */
export const Received = z.object({
  at: z.iso.datetime({ offset: true }),
  clientAddress: text(64),
  clientHostname: text(255).optional(),
  helo: text(255).optional(),
  authUser: text(320).optional(),
  /** The WITH protocol of RFC 3848/6531: ESMTP, ESMTPS, ESMTPSA, UTF8SMTPS, ..., or "local" for mail made by the suite. */
  protocol: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
  tls: z.object({ version: text(32), cipher: text(128) }).optional(),
});
export type Received = z.infer<typeof Received>;

/** The fields both job kinds share: the spooled message and its envelope. */
const envelope = {
  spoolId: SpoolId,
  sender: Sender,
  dsn: Dsn,
  received: Received,
  /** Size of the spooled message in octets. */
  size: z.number().int().nonnegative(),
  /** The transaction used SMTPUTF8 (RFC 6531). */
  smtputf8: z.boolean().default(false),
  /** BODY=8BITMIME was given (RFC 6152). */
  eightBitMime: z.boolean().default(false),
  /** The Message-ID header, for logs and duplicate checks. */
  messageId: text(998).optional(),
  /**
   * RFC 4954 §5 AUTH= of the transaction: the mailbox of the authorized identity that submitted the message, or null
   * for `<>` (submitter not known: an unauthenticated client, whatever AUTH= it gave). Absent in jobs queued before
   * the field existed; the queue-runner treats absent as null.
   */
  auth: Address.nullable().optional(),
};

/** A message for local delivery by mda, version 1. */
export const DeliverJobV1 = z.object({
  v: z.literal(1),
  ...envelope,
  recipients: z.array(Recipient).min(1),
});
export type DeliverJobV1 = z.infer<typeof DeliverJobV1>;

export const DeliveryStatus = z.enum(['pending', 'deferred', 'delivered', 'bounced']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const OutboundRecipient = Recipient.extend({
  status: DeliveryStatus.default('pending'),
  attempts: z.number().int().nonnegative().default(0),
  lastError: text(2000).optional(),
  lastAttemptAt: z.iso.datetime({ offset: true }).optional(),
});
export type OutboundRecipient = z.infer<typeof OutboundRecipient>;

/** A message for remote delivery by queue-runner, with per-recipient delivery state, version 1. */
export const OutboundJobV1 = z.object({
  v: z.literal(1),
  ...envelope,
  recipients: z.array(OutboundRecipient).min(1),
  /** When delivery was first tried (arrival for new jobs); the retry schedule's giveUp counts from here. */
  firstAttemptAt: z.iso.datetime({ offset: true }),
});
export type OutboundJobV1 = z.infer<typeof OutboundJobV1>;

/** Every deliver job version a worker accepts (a v2 joins this union). */
export const DeliverJob = z.discriminatedUnion('v', [DeliverJobV1]);
export type DeliverJob = z.infer<typeof DeliverJob>;
export type DeliverJobInput = z.input<typeof DeliverJob>;

/** Every outbound job version a worker accepts. */
export const OutboundJob = z.discriminatedUnion('v', [OutboundJobV1]);
export type OutboundJob = z.infer<typeof OutboundJob>;
export type OutboundJobInput = z.input<typeof OutboundJob>;
