// The parsed structure of a message: plain, JSON-serialisable objects that imapd can cache per message.
import type { Address } from './address.js';
import type { MimeParam } from './rfc2231.js';

/** Octet counts of one region. */
export interface RegionSize {
  /** Octets as stored. */
  size: number;
  /** Line feeds in the region. */
  lines: number;
  /** Octets with every bare LF counted as CRLF: the size IMAP reports (RFC 3501 sizes are in CRLF form). */
  virtualSize: number;
}

/** ENVELOPE fields of one message (RFC 3501 §7.4.2). Strings are raw header values (byte strings, folding kept as "\n"). */
export interface EnvelopeData {
  date: string | null;
  subject: string | null;
  from: Address[] | null;
  sender: Address[] | null;
  replyTo: Address[] | null;
  to: Address[] | null;
  cc: Address[] | null;
  bcc: Address[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/** How the parser treated a part's body. */
export type PartKind = 'multipart' | 'message' | 'text' | 'basic';

/**
 * One MIME part. Offsets are relative to the start of the message and exact: the header is
 * [headerStart, bodyStart) and the body [bodyStart, bodyEnd). A multipart body includes its preamble, boundaries,
 * children and epilogue; a message/rfc822 body is the embedded message (its one child).
 */
export interface MimePart {
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  header: RegionSize;
  body: RegionSize;
  kind: PartKind;
  /** True when Content-* fields apply: MIME-Version or Content-Type seen, or the part is a multipart child. */
  isMime: boolean;
  /** Content-Type type and subtype as written; null when there is no Content-Type, "" for what a broken value lacks. */
  type: string | null;
  subtype: string | null;
  /** Content-Type parameters, RFC 2231 continuations merged (see decodeParams for UTF-8 values). */
  params: MimeParam[];
  /** Content-Transfer-Encoding token as written, or null (what BODYSTRUCTURE reports). */
  encoding: string | null;
  /**
   * The Content-Transfer-Encoding to decode the body with (BINARY): the same token, but read even when the part's
   * Content-* fields do not apply for lack of MIME-Version, as IMAP servers decode such bodies anyway.
   */
  transferEncoding: string | null;
  id: string | null;
  description: string | null;
  md5: string | null;
  disposition: string | null;
  dispositionParams: MimeParam[];
  language: string[] | null;
  location: string | null;
  /** For kind "message": the envelope of the embedded message. */
  envelope?: EnvelopeData;
  parts: MimePart[];
}

/** The whole message. */
export interface MessageStructure {
  /** Format version of this object, for caches. */
  version: 1;
  /** Octets of the message as stored, and in CRLF form (RFC822.SIZE). */
  size: number;
  virtualSize: number;
  lines: number;
  /** The message's own envelope. */
  envelope: EnvelopeData;
  root: MimePart;
}
