// Typed errors of the account directory: each carries a code that callers (mailctl, daemons) map to replies and exit codes.

export type DirectoryErrorCode =
  /** An address, domain or alias key that is not well formed. */
  | 'INVALID_ADDRESS'
  /** A value other than an address that is not acceptable (quota, alias target list, ...). */
  | 'INVALID_VALUE'
  /** The account, domain or alias being created exists already. */
  | 'EXISTS'
  /** The account, domain or alias being changed does not exist. */
  | 'NOT_FOUND'
  /** The address belongs to a domain this server does not host (or not as the right kind). */
  | 'UNKNOWN_DOMAIN'
  /** The change would leave the directory inconsistent (e.g. deleting a domain that still has accounts). */
  | 'IN_USE'
  /** The entry comes from the configuration file and cannot be changed here. */
  | 'READ_ONLY'
  /** Another writer holds the lock for longer than we are willing to wait. */
  | 'LOCKED'
  /** A backing file could not be read or written. */
  | 'IO';

export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DirectoryError';
  }
}

/** One problem found while reading a backing file; the offending line is skipped, the rest stays usable. */
export interface SourceProblem {
  file: string;
  line: number;
  message: string;
}
