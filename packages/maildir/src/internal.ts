// What folders and mailboxes of the Maildir store share: the store's services and record → API conversions.
import type { ChangeRecord, FlagState, FolderStatus, MessageInfo } from './api.js';
import { FORWARDED_KEYWORD, hasPassed, keywordLettersOf, systemFlagsOf, type SystemFlag } from './flags.js';
import type { FolderIndex, MessageRecord } from './folder-index.js';
import type { HierarchySeparator } from './folder-names.js';
import type { MaildirQuota, QuotaLimits } from './quota.js';

/** Services the Maildir store gives to its mailboxes and folders. */
export interface StoreServices {
  readonly separator: HierarchySeparator;
  readonly lockStaleMs: number;
  /** The shared scan cache of a folder directory. */
  index(root: string, path: string): FolderIndex;
  /** Forgets the scan cache of a folder directory (deleted or renamed). */
  dropIndex(path: string): void;
  quota(root: string): MaildirQuota;
  limits(account: string): Promise<QuotaLimits | undefined>;
  publish(change: ChangeRecord): void;
  /** Validates a folder name of an account and locates it; MailboxNotFoundError when it does not exist. */
  resolve(account: string, root: string, name: string): Promise<FolderRef>;
  /** A handle on a located folder. */
  open(ref: FolderRef): FolderHandle;
}

/** What operations that span folders need from a folder. */
export interface FolderHandle {
  readonly ref: FolderRef;
  readonly index: FolderIndex;
  /** Runs `fn` serialized with other operations on the folder in this process, after a sync unless `sync` is false. */
  exclusive<T>(fn: () => Promise<T>, options?: { sync?: boolean }): Promise<T>;
}

/** A folder located on disk. */
export interface FolderRef {
  account: string;
  root: string;
  name: string;
  path: string;
}

/** Keyword names of a record, with the Maildir "P" letter shown as $Forwarded. */
export function keywordsOf(index: FolderIndex, rec: MessageRecord): string[] {
  const names = index.keywords.namesOf(keywordLettersOf(rec.letters));
  if (hasPassed(rec.letters) && !names.some((n) => n.toLowerCase() === FORWARDED_KEYWORD.toLowerCase())) names.push(FORWARDED_KEYWORD);
  return names;
}

/** Flags and keywords for a letter string, shared by every message with the same letters (they are read-only). */
function flagView(index: FolderIndex, rec: MessageRecord): { flags: SystemFlag[]; keywords: string[] } {
  let view = index.flagViews.get(rec.letters);
  if (!view) {
    view = { flags: systemFlagsOf(rec.letters), keywords: keywordsOf(index, rec) };
    index.flagViews.set(rec.letters, view);
  }
  return view;
}

/** The API view of a record, built once per change of the record (snapshots of big folders reuse it). */
export function toMessageInfo(index: FolderIndex, rec: MessageRecord): MessageInfo {
  if (rec.info) return rec.info;
  const view = flagView(index, rec);
  rec.info = {
    uid: rec.uid,
    flags: view.flags,
    keywords: view.keywords,
    size: rec.size,
    vsize: rec.vsize,
    internalDate: rec.internalDate,
    modseq: rec.modseq,
  };
  return rec.info;
}

export function toFlagState(index: FolderIndex, rec: MessageRecord): FlagState {
  return { uid: rec.uid, flags: systemFlagsOf(rec.letters), keywords: keywordsOf(index, rec), modseq: rec.modseq };
}

/** Counts for STATUS / SELECT from the index (after a sync). */
export function statusOf(index: FolderIndex): FolderStatus {
  const { unseen, recent, size } = index.totals;
  return { uidValidity: index.uidValidity, uidNext: index.uidNext, exists: index.size, unseen, recent, highestModseq: index.highestModseq, size };
}

/** A change record stamped with the folder's current UIDNEXT, UIDVALIDITY and HIGHESTMODSEQ. */
export function changeOf(ref: FolderRef, index: FolderIndex, kind: ChangeRecord['kind'], uids: number[], extra: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    account: ref.account,
    folder: ref.name,
    kind,
    uids,
    modseq: index.highestModseq,
    uidValidity: index.uidValidity,
    uidNext: index.uidNext,
    time: Date.now(),
    ...extra,
  };
}
