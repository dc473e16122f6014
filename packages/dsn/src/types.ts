// The inputs and the result of building a delivery status notification.
import type { Readable } from 'node:stream';

/** RFC 3464 §2.3.3 Action values. */
export const DSN_ACTIONS = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'] as const;
export type DsnAction = (typeof DSN_ACTIONS)[number];

/** One recipient's block of the message/delivery-status part (RFC 3464 §2.3). */
export interface DsnRecipient {
  /** The address the report is about, as this MTA last saw it (Final-Recipient). */
  finalRecipient: string;
  /** RFC 3461 ORCPT as the job carries it, decoded: "rfc822;user@example.com" (Original-Recipient). */
  originalRecipient?: string;
  action: DsnAction;
  /** RFC 3463 status code "x.y.z"; its class must agree with the action (2 for success, 4 for delayed, 4 or 5 for failed). */
  status: string;
  /** Host name of the MTA that gave the diagnostic (Remote-MTA: dns; name). */
  remoteMta?: string;
  /** The reply or explanation, e.g. "550 5.1.1 <bob@example.net>: Recipient address rejected" (Diagnostic-Code). */
  diagnostic?: string;
  /** Diagnostic type; "smtp" (RFC 3464 §2.3.6) unless given. */
  diagnosticType?: string;
  lastAttemptDate?: Date;
  /** For "delayed": when the MTA gives up (Will-Retry-Until). */
  willRetryUntil?: Date;
}

/** The message the report is about. */
export interface DsnOriginal {
  /** Its octets, or a function that opens it as a stream (called at most once per stream() of the report). */
  content: Uint8Array | (() => Readable | AsyncIterable<Uint8Array>);
  /** Its size in octets. */
  size: number;
  /** It holds 8-bit data (BODY=8BITMIME or SMTPUTF8): the returned part is declared 8bit instead of 7bit. */
  eightBit?: boolean;
}

export interface DsnInput {
  /** This host's name: Reporting-MTA, the From address and the Message-ID domain. */
  reportingMta: string;
  /** Where the report goes: the original envelope sender (never the null sender, see shouldSendDsn). */
  to: string;
  /** RFC 3461 ENVID of the original transaction, decoded. */
  envelopeId?: string;
  /** When the original message arrived (Arrival-Date). */
  arrivalDate: Date;
  /** RFC 3461 RET of the original transaction. */
  ret?: 'FULL' | 'HDRS';
  recipients: DsnRecipient[];
  original?: DsnOriginal;
  /** Message-ID of the original, for In-Reply-To and References. */
  originalMessageId?: string;
  /** The original used SMTPUTF8 (or the report must carry UTF-8): global report types (RFC 6533) and UTF-8 headers. */
  smtputf8?: boolean;
  /** The original's queue id, shown to people and in an X-Queue-ID field. */
  queueId?: string;
  /** Date of the report; now by default. */
  date?: Date;
  /** Largest original returned whole when RET was not given; larger ones are returned as headers. Default 50,000 octets. */
  returnLimit?: number;
  /** Largest original returned whole with RET=FULL. Default 10 MiB. */
  fullReturnLimit?: number;
  /** Largest header block returned; longer ones are cut at a line end. Default 256 KiB. */
  headerLimit?: number;
  /** Message-ID of the report itself (generated when absent), with angle brackets. */
  messageId?: string;
}

/** A report ready to be spooled and sent from the null sender. */
export interface DsnMessage {
  /** The envelope sender of a DSN is always the null reverse-path (RFC 3461 §6.2, RFC 5321 §4.5.5). */
  readonly sender: '';
  /** The envelope recipient: DsnInput.to. */
  readonly recipient: string;
  readonly messageId: string;
  readonly subject: string;
  /** The report must travel with SMTPUTF8 (global types or UTF-8 header fields). */
  readonly smtputf8: boolean;
  /** The report holds 8-bit data (BODY=8BITMIME). */
  readonly eightBitMime: boolean;
  /** How much of the original is included. */
  readonly returned: 'message' | 'headers' | 'none';
  /** The report as a stream of CRLF-terminated lines; the original is read as the stream is consumed. */
  stream(): Readable;
  /** The whole report in memory. */
  toBuffer(): Promise<Buffer>;
}

/** A builder input that cannot make a valid report. */
export class DsnError extends Error {
  override name = 'DsnError';
}
