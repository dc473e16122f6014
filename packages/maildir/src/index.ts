// @mail/maildir: Maildir and Maildir++ storage shared by the mda, pop3d and imapd, file-compatible with Dovecot.
export type {
  AppendOptions,
  AppendResult,
  ChangeKind,
  ChangeListener,
  ChangeRecord,
  CopyResult,
  CreateFolderOptions,
  DeliverOptions,
  DeliverResult,
  ExpungeResult,
  FlagMode,
  FlagState,
  FolderInfo,
  FolderSnapshot,
  FolderStatus,
  ListOptions,
  Mailbox,
  MailFolder,
  MailStore,
  MessageInfo,
  MessageSource,
  ReadRange,
  ReadResult,
  SetFlagsResult,
  SnapshotOptions,
  SpecialUse,
} from './api.js';
export { SPECIAL_USES } from './api.js';
export * from './errors.js';
export { MaildirStore, type MaildirStoreOptions } from './store.js';
export { AccountStores, MAX_EXTRA_STORES, type AccountLocation } from './account-stores.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { DEFAULT_SPECIAL_USE, SPECIAL_USE_FILE } from './special-use.js';
export { createLocalNotifier, createRedisNotifier, isChangeRecord, type ChangeNotifier, type RedisNotifierOptions, type WatchOptions } from './notifier.js';
export { expandMailboxPath, parseAccount, type AccountParts } from './path-template.js';
export { normalizeFolderName, folderDirName, folderNameFromDir, isInbox, type HierarchySeparator } from './folder-names.js';
export { encodeMutf7, decodeMutf7 } from './mutf7.js';
export { compilePattern, joinReference } from './pattern.js';
export { SYSTEM_FLAGS, FORWARDED_KEYWORD, isValidKeyword, parseFlags, systemFlag, type SystemFlag } from './flags.js';
export { formatQuotaHeader, parseMaildirsize, parseQuotaHeader, type QuotaLimits, type QuotaUsage } from './quota.js';
export { acquireDotlock, withDotlock, type Dotlock, type DotlockOptions } from './lock.js';
export { parseMaildirName, generateBaseName, type MaildirName } from './filename.js';
export { formatUidlistHeader, formatUidlistRecord, parseUidlistHeader, parseUidlistRecord, type UidlistHeader, type UidlistRecord } from './uidlist.js';
