// The account directory: accounts, domains and aliases behind one interface, with a file backend
// (Dovecot passwd-file, Postfix-style aliases and virtual map) and an in-memory backend.
export type { Account, AccountChanges, AliasEntry, Directory, Domain, DomainKind, LocalRecipient, NewAccount, Quota, Resolution, WritableDirectory } from './types.js';
export { DirectoryError, type DirectoryErrorCode, type SourceProblem } from './errors.js';
export { addressKey, isValidLocalPart, normalizeDomain, parseAddress, parseDomain, parseStorableAddress, splitAddress, splitExtension, type ParsedAddress } from './address.js';
export { DEFAULT_RESOLVE_OPTIONS, type ResolveOptions } from './resolve.js';
export { DEFAULT_MAILBOX_TEMPLATE, MemoryDirectory, type MemoryDirectoryOptions } from './memory.js';
export { FilesDirectory, filesDirectoryFromConfig, type FilesDirectoryConfig, type FilesDirectoryOptions } from './files.js';
export type { DirectoryPaths } from './load.js';
export { acquireLock, withLock, writeFileAtomic, type LockOptions } from './atomic.js';
export { expandMailboxTemplate } from './mailbox.js';
