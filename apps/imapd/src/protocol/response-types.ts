// Typed IMAP server responses (RFC 9051 §7 and extensions): what the session builds and compose.ts writes out.
import type { Readable } from 'node:stream';
import type { BodySection } from './parser/types.js';

/** Response codes without arguments (RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 7162, RFC 9208, RFC 7888). */
export type SimpleResponseCode =
  | 'ALERT'
  | 'ALREADYEXISTS'
  | 'AUTHENTICATIONFAILED'
  | 'AUTHORIZATIONFAILED'
  | 'CANNOT'
  | 'CLIENTBUG'
  | 'CLOSED'
  | 'CONTACTADMIN'
  | 'CORRUPTION'
  | 'EXPIRED'
  | 'EXPUNGEISSUED'
  | 'HASCHILDREN'
  | 'INUSE'
  | 'LIMIT'
  | 'NOMODSEQ'
  | 'NONEXISTENT'
  | 'NOPERM'
  | 'NOTSAVED'
  | 'OVERQUOTA'
  | 'PARSE'
  | 'PRIVACYREQUIRED'
  | 'READ-ONLY'
  | 'READ-WRITE'
  | 'SERVERBUG'
  | 'TOOBIG'
  | 'TRYCREATE'
  | 'UIDNOTSTICKY'
  | 'UNAVAILABLE'
  | 'UNKNOWN-CTE'
  /** RFC 6154: the special use of a CREATE cannot be given. */
  | 'USEATTR';

export type ResponseCode =
  | { code: SimpleResponseCode }
  | { code: 'UIDVALIDITY' | 'UIDNEXT' | 'UNSEEN' | 'HIGHESTMODSEQ'; value: number }
  /** RFC 4315: UIDs of the appended messages (one for APPEND, several for MULTIAPPEND), in order. */
  | { code: 'APPENDUID'; uidValidity: number; uids: readonly number[] }
  /** RFC 4315: source[i] was copied to destination[i]; both in the same order. */
  | { code: 'COPYUID'; uidValidity: number; source: readonly number[]; destination: readonly number[] }
  | { code: 'PERMANENTFLAGS'; flags: readonly string[] }
  | { code: 'CAPABILITY'; capabilities: readonly string[] }
  | { code: 'BADCHARSET'; charsets: readonly string[] }
  /** RFC 7162 §3.2: messages that failed the UNCHANGEDSINCE test (sequence numbers or UIDs as the command used). */
  | { code: 'MODIFIED'; set: readonly number[] };

/** A string value: text (UTF-8), raw octets, or NIL where the grammar allows nstring. */
export type NString = string | Uint8Array | null;

/** A literal the session streams from storage: the composer writes `{size}` and hands over the Readable. */
export interface StreamedLiteral {
  readonly stream: Readable;
  readonly size: number;
}

export type FetchContent = NString | StreamedLiteral;

export interface Address {
  name: NString;
  /** Source route (obsolete), normally null. */
  adl: NString;
  /** Local part, or the group name / null for group start and end markers (RFC 9051 §7.5.2). */
  mailbox: NString;
  host: NString;
}

export interface Envelope {
  date: NString;
  subject: NString;
  from: readonly Address[] | null;
  sender: readonly Address[] | null;
  replyTo: readonly Address[] | null;
  to: readonly Address[] | null;
  cc: readonly Address[] | null;
  bcc: readonly Address[] | null;
  inReplyTo: NString;
  messageId: NString;
}

/** Attribute/value pairs (RFC 9051 body-fld-param); null or empty is NIL. */
export type BodyParams = readonly (readonly [string, string | Uint8Array])[] | null;

export interface BodyDisposition {
  type: string;
  params: BodyParams;
}

/** Extension data shared by both kinds of body (RFC 9051 body-ext-1part / body-ext-mpart). */
interface BodyExtension {
  disposition?: BodyDisposition | null;
  language?: readonly string[] | null;
  location?: NString;
}

/** A leaf part: basic, text/* (with lines) or message/rfc822 and message/global (with message and lines). */
export interface BodyPart extends BodyExtension {
  kind: 'part';
  type: string;
  subtype: string;
  params: BodyParams;
  id: NString;
  description: NString;
  encoding: string;
  /** Size of the body in octets, in its transfer encoding. */
  size: number;
  lines?: number;
  message?: { envelope: Envelope; body: BodyStructure };
  md5?: NString;
}

export interface MultipartBody extends BodyExtension {
  kind: 'multipart';
  parts: readonly BodyStructure[];
  subtype: string;
  params?: BodyParams;
}

export type BodyStructure = BodyPart | MultipartBody;

export type FetchResponseItem =
  | { item: 'FLAGS'; flags: readonly string[] }
  | { item: 'UID'; uid: number }
  | { item: 'MODSEQ'; modseq: number }
  /** offsetMinutes is the zone written out (default +0000). */
  | { item: 'INTERNALDATE'; date: Date; offsetMinutes?: number }
  | { item: 'RFC822.SIZE'; size: number }
  | { item: 'ENVELOPE'; envelope: Envelope }
  /** ENVELOPE, BODY or BODYSTRUCTURE value already in wire syntax (rendered and cached by the session). */
  | { item: 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE'; wire: Uint8Array }
  /** BODY is BODYSTRUCTURE without extension data. */
  | { item: 'BODYSTRUCTURE' | 'BODY'; structure: BodyStructure }
  /** BODY[section]<origin>: origin only when the client asked for a partial range. */
  | { item: 'BODY[]'; section: BodySection; origin?: number; content: FetchContent }
  /** BINARY[part]<origin> (RFC 3516): written as literal8 when it has NUL octets or `binary` streams. */
  | { item: 'BINARY[]'; part: readonly number[]; origin?: number; content: FetchContent; binary?: boolean }
  | { item: 'BINARY.SIZE'; part: readonly number[]; size: number }
  | { item: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'; content: FetchContent };

export type StatusItemName =
  | 'MESSAGES'
  | 'UIDNEXT'
  | 'UIDVALIDITY'
  | 'UNSEEN'
  | 'DELETED'
  | 'SIZE'
  | 'RECENT'
  | 'HIGHESTMODSEQ'
  | 'APPENDLIMIT';

export interface NamespaceDescriptor {
  prefix: string;
  delimiter: string | null;
}

export interface QuotaResource {
  name: string;
  usage: number;
  limit: number;
}

/** Tagged completion (RFC 9051 §7.1). */
export interface TaggedResponse {
  type: 'tagged';
  tag: string;
  status: 'OK' | 'NO' | 'BAD';
  code?: ResponseCode;
  text: string;
}

/** Untagged status: greeting, BYE, alerts, `* OK [UIDVALIDITY n]` and friends. */
export interface UntaggedStatus {
  type: 'untagged';
  status: 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';
  code?: ResponseCode;
  text: string;
}

/** `+ text` or, for SASL, `+ base64` of `data` (an empty challenge is `+ `). */
export type Continuation = { type: 'continue'; text?: string } | { type: 'continue'; data: Uint8Array };

export type UntaggedData =
  | { type: 'EXISTS' | 'RECENT'; count: number }
  | { type: 'EXPUNGE'; seq: number }
  | { type: 'FETCH'; seq: number; items: readonly FetchResponseItem[] }
  | {
      type: 'LIST' | 'LSUB';
      attributes: readonly string[];
      delimiter: string | null;
      /** Unicode name; encoded as modified UTF-7 or UTF-8 by the compose options. */
      mailbox: string;
      /** RFC 5258 CHILDINFO extended data item, e.g. ["SUBSCRIBED"]. */
      childInfo?: readonly string[];
      /** RFC 9051 OLDNAME extended data item. */
      oldName?: string;
    }
  | { type: 'STATUS'; mailbox: string; items: readonly { item: StatusItemName; value: number }[] }
  | { type: 'SEARCH'; ids: readonly number[]; modseq?: number }
  | {
      type: 'ESEARCH';
      tag?: string;
      uid: boolean;
      min?: number;
      max?: number;
      count?: number;
      all?: readonly number[];
      modseq?: number;
    }
  | { type: 'FLAGS'; flags: readonly string[] }
  | { type: 'ENABLED'; capabilities: readonly string[] }
  | { type: 'CAPABILITY'; capabilities: readonly string[] }
  | { type: 'ID'; params: readonly (readonly [string, string | null])[] | null }
  | {
      type: 'NAMESPACE';
      personal: readonly NamespaceDescriptor[] | null;
      other: readonly NamespaceDescriptor[] | null;
      shared: readonly NamespaceDescriptor[] | null;
    }
  | { type: 'QUOTA'; root: string; resources: readonly QuotaResource[] }
  | { type: 'QUOTAROOT'; mailbox: string; roots: readonly string[] }
  /** RFC 7162 §3.2.10 (QRESYNC). */
  | { type: 'VANISHED'; earlier: boolean; uids: readonly number[] };

export type Response = TaggedResponse | UntaggedStatus | Continuation | UntaggedData;
