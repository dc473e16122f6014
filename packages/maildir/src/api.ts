// The MailStore interface imapd, pop3d and the mda program against; implemented over Maildir and in memory.
import type { Readable } from 'node:stream';
import type { SystemFlag } from './flags.js';
import type { HierarchySeparator } from './folder-names.js';
import type { QuotaLimits, QuotaUsage } from './quota.js';

/** A message to store: bytes, text, or a stream of bytes. */
export type MessageSource = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** One message as listed. Shared between snapshots: treat it as read-only. */
export interface MessageInfo {
  readonly uid: number;
  readonly flags: readonly SystemFlag[];
  readonly keywords: readonly string[];
  /** Octets on disk. */
  readonly size: number;
  /** Octets with CRLF line endings (RFC822.SIZE, POP3 LIST). */
  readonly vsize: number;
  /** Internal date, milliseconds since the epoch. */
  readonly internalDate: number;
  /** CONDSTORE mod-sequence (RFC 7162). */
  readonly modseq: number;
}

export type ChangeKind = 'append' | 'flags' | 'expunge' | 'create' | 'delete' | 'rename' | 'sync';

export interface FlagState {
  uid: number;
  flags: SystemFlag[];
  keywords: string[];
  modseq: number;
}

/**
 * What a write changed, for other sessions (mox-style broadcast). 'append' covers deliver, APPEND,
 * COPY and MOVE targets; 'sync' means "something changed on disk, re-read the folder".
 */
export interface ChangeRecord {
  account: string;
  folder: string;
  kind: ChangeKind;
  uids: number[];
  flags?: FlagState[];
  /** The folder's HIGHESTMODSEQ after the change. */
  modseq?: number;
  uidValidity?: number;
  uidNext?: number;
  /** New name of a renamed folder. */
  newName?: string;
  /** Milliseconds since the epoch. */
  time: number;
}

export interface FolderStatus {
  uidValidity: number;
  uidNext: number;
  /** Number of messages (IMAP EXISTS). */
  exists: number;
  unseen: number;
  /** Messages still in new/ (not yet taken by any session). */
  recent: number;
  highestModseq: number;
  /** Sum of message sizes in octets. */
  size: number;
}

export interface FolderSnapshot extends FolderStatus {
  /** Messages in UID order. */
  messages: MessageInfo[];
  /** UIDs this call moved from new/ to cur/: \Recent for the session that asked (takeRecent). */
  recentUids: number[];
}

export interface SnapshotOptions {
  /** Move messages from new/ to cur/ and report them as this session's \Recent (IMAP SELECT, not EXAMINE). */
  takeRecent?: boolean;
}

export interface ReadRange {
  /** First octet, default 0. */
  start?: number;
  /** One past the last octet, default the end. */
  end?: number;
  /**
   * When the octets asked for fit in this buffer, they are read into it at once with blocking system calls and given
   * as `data`: for a file in the page cache that is a few system calls instead of a stream's trips through the thread
   * pool, and a buffer the caller reuses allocates nothing. Keep it small: on a slow disk the whole process waits for
   * that one read.
   */
  into?: Buffer;
}

export interface ReadResult {
  /** Size of the whole message in octets. */
  size: number;
  stream: Readable;
  /**
   * The octets asked for (the same as `stream` gives), read into the start of `into`, when they fit in it; `stream` is
   * then made only when first asked for.
   */
  data?: Buffer;
}

export type FlagMode = 'add' | 'remove' | 'replace';

export interface SetFlagsResult {
  /** New state of every message whose flags changed. */
  updated: FlagState[];
  /** UIDs not changed because their mod-sequence was above UNCHANGEDSINCE (RFC 7162 MODIFIED). */
  modified: number[];
  change: ChangeRecord | null;
}

export interface ExpungeResult {
  expunged: number[];
  change: ChangeRecord | null;
}

export interface CopyResult {
  /** UIDVALIDITY of the destination (COPYUID). */
  uidValidity: number;
  /** Pairs of [source UID, destination UID], in source UID order. */
  mapping: Array<[number, number]>;
  changes: ChangeRecord[];
}

export interface AppendOptions {
  /** System flags and keywords. */
  flags?: readonly string[];
  /** Internal date; defaults to now. */
  internalDate?: number | Date;
}

export interface AppendResult {
  uid: number;
  uidValidity: number;
  change: ChangeRecord;
}

/** One folder of one account. */
export interface MailFolder {
  readonly account: string;
  readonly name: string;
  status(): Promise<FolderStatus>;
  snapshot(options?: SnapshotOptions): Promise<FolderSnapshot>;
  /** A snapshot when `changed` finds something new in the status, else null: one look at the folder for both. */
  snapshotIfChanged(changed: (status: FolderStatus) => boolean, options?: SnapshotOptions): Promise<FolderSnapshot | null>;
  read(uid: number, range?: ReadRange): Promise<ReadResult>;
  setFlags(uids: readonly number[], mode: FlagMode, flags: readonly string[], options?: { unchangedSince?: number }): Promise<SetFlagsResult>;
  /** Removes the messages; with onlyDeleted, only those that carry \Deleted at that moment (IMAP EXPUNGE). */
  expunge(uids: readonly number[], options?: { onlyDeleted?: boolean }): Promise<ExpungeResult>;
  copy(uids: readonly number[], destination: string): Promise<CopyResult>;
  move(uids: readonly number[], destination: string): Promise<CopyResult>;
  append(message: MessageSource, options?: AppendOptions): Promise<AppendResult>;
}

export const SPECIAL_USES = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive'] as const;
export type SpecialUse = (typeof SPECIAL_USES)[number];

export interface FolderInfo {
  name: string;
  /** IMAP LIST attributes: \HasChildren/\HasNoChildren, \Noselect and \NonExistent, \Subscribed, special use. */
  attributes: string[];
  specialUse?: SpecialUse;
  subscribed: boolean;
  /** False for a name that only exists as a parent of other folders. */
  selectable: boolean;
}

export interface CreateFolderOptions {
  /**
   * RFC 6154 CREATE-SPECIAL-USE: the special use the new folder is for (at most one, not \All or \Flagged, none
   * that another existing folder has: SpecialUseError, and no folder is created).
   */
  specialUse?: readonly string[];
}

export interface ListOptions {
  /** LSUB / LIST (SUBSCRIBED): only subscribed names, even ones that no longer exist. */
  subscribedOnly?: boolean;
}

/** One account's folders. */
export interface Mailbox {
  readonly account: string;
  readonly separator: HierarchySeparator;
  listFolders(reference: string, pattern: string, options?: ListOptions): Promise<FolderInfo[]>;
  /** Opens a folder (INBOX in any case); MailboxNotFoundError or MailboxNoSelectError otherwise. */
  folder(name: string): Promise<MailFolder>;
  createFolder(name: string, options?: CreateFolderOptions): Promise<ChangeRecord>;
  deleteFolder(name: string): Promise<ChangeRecord>;
  renameFolder(from: string, to: string): Promise<ChangeRecord[]>;
  subscribe(name: string): Promise<void>;
  unsubscribe(name: string): Promise<void>;
  /** The folder with this special use (one the account gave it, else the configured name), created (and subscribed) on first use. */
  specialUseFolder(use: SpecialUse): Promise<string>;
  quota(): Promise<QuotaUsage>;
}

export interface DeliverOptions {
  /** Same key twice (a retried job) stores the message once: e.g. "<queue id>:<recipient>". */
  dedupeKey?: string;
  flags?: readonly string[];
  internalDate?: number | Date;
  /** Create a missing target folder (Sieve fileinto :create); otherwise a missing folder means INBOX. */
  createFolder?: boolean;
  /** Limits for this delivery, overriding the store's quota resolver. */
  quota?: QuotaLimits;
}

export type DeliverResult =
  | { status: 'delivered'; folder: string; uid: number; uidValidity: number; change: ChangeRecord }
  | { status: 'duplicate'; folder: string; uid?: number }
  | { status: 'over-quota'; resource: 'storage' | 'messages'; usage: QuotaUsage };

export type ChangeListener = (change: ChangeRecord) => void;

export interface MailStore {
  readonly separator: HierarchySeparator;
  openMailbox(account: string): Promise<Mailbox>;
  /** Local delivery (the mda): atomic, idempotent with dedupeKey, reports over-quota instead of throwing. */
  deliver(account: string, folder: string, message: MessageSource, options?: DeliverOptions): Promise<DeliverResult>;
  quota(account: string): Promise<QuotaUsage>;
  /** Receives every change record of the account, from this process and (with Redis) from others. */
  subscribe(account: string, listener: ChangeListener): () => void;
  close(): Promise<void>;
}
