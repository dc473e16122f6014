// Typed IMAP commands (RFC 9051 §6 and the extensions imapd speaks): what the parser returns to the session.
import type { SequenceSet } from '../sequence.js';
import type { StatusItemName } from '../response-types.js';

/** How the session reads strings: UTF-8 mailbox names and quoted strings after ENABLE UTF8=ACCEPT or IMAP4rev2. */
export interface ParseOptions {
  /** Mailbox names are UTF-8 and quoted strings may hold UTF-8 (RFC 9051, RFC 6855); otherwise modified UTF-7, ASCII. */
  utf8: boolean;
  /** Hierarchy delimiter, so that "inbox/Sub" is read as "INBOX/Sub". */
  delimiter?: string | null;
}

/** A literal's octets, or a pointer to a literal the session streamed to storage (framer literal index). */
export type LiteralContent = { kind: 'buffer'; data: Buffer } | { kind: 'stream'; index: number; size: number };

/** Body section (RFC 9051 section-spec): part path 1.2.3 plus what of it. */
export interface BodySection {
  /** Part numbers; empty for the whole message. */
  part: readonly number[];
  text: null | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Header field names for HEADER.FIELDS and HEADER.FIELDS.NOT, as the client wrote them. */
  fields: readonly string[];
}

/** <offset.length> of BODY[...] and BINARY[...]. */
export interface PartialRange {
  offset: number;
  length: number;
}

export type FetchAttribute =
  | {
      kind:
        | 'FLAGS'
        | 'INTERNALDATE'
        | 'RFC822.SIZE'
        | 'ENVELOPE'
        | 'BODY'
        | 'BODYSTRUCTURE'
        | 'UID'
        | 'MODSEQ'
        | 'RFC822'
        | 'RFC822.HEADER'
        | 'RFC822.TEXT';
    }
  /** BODY[section]<partial> and BODY.PEEK[...] (peek: do not set \Seen). */
  | { kind: 'BODY[]'; peek: boolean; section: BodySection; partial: PartialRange | null }
  /** BINARY[part]<partial> and BINARY.PEEK[...] (RFC 3516). */
  | { kind: 'BINARY[]'; peek: boolean; part: readonly number[]; partial: PartialRange | null }
  | { kind: 'BINARY.SIZE'; part: readonly number[] };

export type SearchKey =
  | {
      key:
        | 'ALL'
        | 'ANSWERED'
        | 'DELETED'
        | 'DRAFT'
        | 'FLAGGED'
        | 'NEW'
        | 'OLD'
        | 'RECENT'
        | 'SEEN'
        | 'UNANSWERED'
        | 'UNDELETED'
        | 'UNDRAFT'
        | 'UNFLAGGED'
        | 'UNSEEN';
    }
  | { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { key: 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO'; value: string }
  | { key: 'HEADER'; field: string; value: string }
  | { key: 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE'; date: ImapDate }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  /** RFC 5032 WITHIN: messages older / younger than this many seconds. */
  | { key: 'OLDER' | 'YOUNGER'; seconds: number }
  | { key: 'UID'; set: SequenceSet }
  /** A bare sequence set. */
  | { key: 'SEQ'; set: SequenceSet }
  | { key: 'NOT'; operand: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  /** A parenthesised group: all must match. */
  | { key: 'AND'; operands: readonly SearchKey[] }
  /** RFC 7162 §3.4: MODSEQ [entry-name entry-type-req] mod-sequence-valzer. */
  | { key: 'MODSEQ'; modseq: number; entry: { name: string; type: 'priv' | 'shared' | 'all' } | null };

/** A calendar date as SEARCH uses it (no time, no zone). */
export interface ImapDate {
  year: number;
  month: number;
  day: number;
}

/** RFC 4731 ESEARCH return options; `RETURN ()` means ALL. */
export interface SearchReturn {
  min: boolean;
  max: boolean;
  all: boolean;
  count: boolean;
  /** RFC 5182 SEARCHRES: keep the result for "$". */
  save: boolean;
}

export type StoreOperation = 'replace' | 'add' | 'remove';

export interface AppendMessage {
  flags: readonly string[];
  /** date-time argument, or null to use the time of arrival. */
  date: Date | null;
  content: LiteralContent;
  /** Sent as literal8 (RFC 3516) or inside UTF8 (...) (RFC 6855). */
  binary: boolean;
  /** Sent as UTF8 (~{n}) (RFC 6855): the message may carry UTF-8 headers. */
  utf8: boolean;
}

export interface ListSelection {
  subscribed: boolean;
  remote: boolean;
  recursiveMatch: boolean;
  specialUse: boolean;
}

export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  /** RFC 5819 LIST-STATUS: STATUS items to return for each mailbox, or null. */
  status: readonly StatusItemName[] | null;
}

/** QRESYNC parameter of SELECT/EXAMINE (RFC 7162 §3.2.5). */
export interface QresyncParam {
  uidValidity: number;
  modseq: number;
  knownUids: SequenceSet | null;
  seqMatch: { seqs: SequenceSet; uids: SequenceSet } | null;
}

interface Tagged {
  tag: string;
}

export type Command = Tagged &
  (
    | { name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'NAMESPACE' | 'IDLE' | 'CHECK' | 'CLOSE' | 'UNSELECT' }
    /** SASL-IR (RFC 4959): initial response decoded from base64; "=" is an empty response; null when absent. */
    | { name: 'AUTHENTICATE'; mechanism: string; initialResponse: Buffer | null }
    | { name: 'LOGIN'; username: string; password: string }
    /** Capability names upper-cased. */
    | { name: 'ENABLE'; capabilities: readonly string[] }
    | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParam | null }
    /** RFC 6154 CREATE-SPECIAL-USE: USE (\Sent ...). */
    | { name: 'CREATE'; mailbox: string; specialUse: readonly string[] }
    | { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; mailbox: string }
    | { name: 'RENAME'; from: string; to: string }
    /**
     * LIST with RFC 5258 options. `extended` when the client used selection or return options or several
     * patterns (the reply then follows LIST-EXTENDED rules).
     */
    | {
        name: 'LIST';
        reference: string;
        patterns: readonly string[];
        selection: ListSelection;
        returns: ListReturn;
        extended: boolean;
      }
    | { name: 'LSUB'; reference: string; pattern: string }
    | { name: 'STATUS'; mailbox: string; items: readonly StatusItemName[] }
    | { name: 'APPEND'; mailbox: string; messages: readonly AppendMessage[] }
    | { name: 'EXPUNGE'; uid: false; set: null }
    | { name: 'EXPUNGE'; uid: true; set: SequenceSet }
    | {
        name: 'SEARCH';
        uid: boolean;
        /** Upper-cased CHARSET argument, or null. String values are already decoded from it. */
        charset: string | null;
        /** All must match. */
        criteria: readonly SearchKey[];
        returns: SearchReturn | null;
      }
    | {
        name: 'FETCH';
        uid: boolean;
        set: SequenceSet;
        /** Attributes with macros (ALL, FAST, FULL) expanded. */
        attributes: readonly FetchAttribute[];
        macro: 'ALL' | 'FAST' | 'FULL' | null;
        /** RFC 7162 CHANGEDSINCE modifier. */
        changedSince: number | null;
        /** RFC 7162 VANISHED modifier (UID FETCH with CHANGEDSINCE under QRESYNC). */
        vanished: boolean;
      }
    | {
        name: 'STORE';
        uid: boolean;
        set: SequenceSet;
        operation: StoreOperation;
        silent: boolean;
        flags: readonly string[];
        /** RFC 7162 UNCHANGEDSINCE modifier. */
        unchangedSince: number | null;
      }
    | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
    /** RFC 2971: field/value pairs, or null for `ID NIL`. */
    | { name: 'ID'; params: readonly (readonly [string, string | null])[] | null }
    /** RFC 9208. */
    | { name: 'GETQUOTA'; root: string }
    | { name: 'GETQUOTAROOT'; mailbox: string }
    | { name: 'SETQUOTA'; root: string; limits: readonly { resource: string; limit: number }[] }
  );

export type CommandName = Command['name'];
