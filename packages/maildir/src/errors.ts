// Typed errors of the Maildir storage: each carries a stable `code` that daemons map to protocol replies.

/** Base class of every error this package throws on purpose. */
export class MaildirError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A folder or account name that cannot be stored safely (escapes the root, reserved, too long, bad characters). */
export class MailboxNameError extends MaildirError {
  constructor(readonly mailbox: string, reason: string) {
    super('MAILBOX_NAME', `invalid mailbox name ${JSON.stringify(mailbox)}: ${reason}`);
  }
}

/** An account address that cannot be turned into a mailbox path. */
export class AccountNameError extends MaildirError {
  constructor(readonly account: string, reason: string) {
    super('ACCOUNT_NAME', `invalid account ${JSON.stringify(account)}: ${reason}`);
  }
}

/** The folder does not exist (IMAP: NO [NONEXISTENT]; TRYCREATE for COPY/APPEND targets). */
export class MailboxNotFoundError extends MaildirError {
  constructor(readonly mailbox: string) {
    super('MAILBOX_NOT_FOUND', `mailbox does not exist: ${mailbox}`);
  }
}

/** The folder already exists (IMAP: NO [ALREADYEXISTS]). */
export class MailboxExistsError extends MaildirError {
  constructor(readonly mailbox: string) {
    super('MAILBOX_EXISTS', `mailbox already exists: ${mailbox}`);
  }
}

/** The name exists only as the parent of other folders (\Noselect) and cannot be selected or deleted. */
export class MailboxNoSelectError extends MaildirError {
  constructor(readonly mailbox: string, action: string) {
    super('MAILBOX_NOSELECT', `cannot ${action} ${mailbox}: it only holds other folders (\\Noselect)`);
  }
}

/** An operation that IMAP forbids on a folder, such as deleting INBOX. */
export class MailboxOperationError extends MaildirError {
  constructor(readonly mailbox: string, reason: string) {
    super('MAILBOX_OPERATION', `${mailbox}: ${reason}`);
  }
}

/** A message UID that is not (or no longer) in the folder. */
export class MessageNotFoundError extends MaildirError {
  constructor(readonly mailbox: string, readonly uid: number) {
    super('MESSAGE_NOT_FOUND', `no message with UID ${uid} in ${mailbox}`);
  }
}

/** A flag that cannot be stored: \Recent, an unknown system flag, or a malformed keyword. */
export class InvalidFlagError extends MaildirError {
  constructor(readonly flag: string, reason: string) {
    super('INVALID_FLAG', `cannot store flag ${JSON.stringify(flag)}: ${reason}`);
  }
}

/** The folder already uses all 26 keyword letters of Maildir (IMAP: NO [LIMIT]). */
export class KeywordLimitError extends MaildirError {
  constructor(readonly keyword: string) {
    super('KEYWORD_LIMIT', `no free keyword slot for ${JSON.stringify(keyword)} (Maildir allows 26 keywords per folder)`);
  }
}

/** A lock held by another process did not go away in time. */
export class LockTimeoutError extends MaildirError {
  constructor(readonly path: string, timeoutMs: number) {
    super('LOCK_TIMEOUT', `timed out after ${timeoutMs} ms waiting for lock ${path}`);
  }
}

/** A storage file that does not parse (the caller usually rebuilds it). */
export class CorruptFileError extends MaildirError {
  constructor(readonly path: string, reason: string) {
    super('CORRUPT_FILE', `${path}: ${reason}`);
  }
}

/** A write that would take the account over its quota (IMAP: NO [OVERQUOTA]). */
export class QuotaExceededError extends MaildirError {
  constructor(
    readonly resource: 'storage' | 'messages',
    readonly usage: number,
    readonly limit: number,
  ) {
    super('OVER_QUOTA', `quota exceeded: ${resource} would be ${usage} of ${limit}`);
  }
}

/** True when `err` is a Node.js system error with the given errno code. */
export function isErrno(err: unknown, ...codes: string[]): err is NodeJS.ErrnoException {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/** A special use a new folder cannot have: unsupported, more than one, or already another folder's (IMAP: NO [USEATTR]). */
export class SpecialUseError extends MaildirError {
  constructor(readonly use: string, reason: string) {
    super('SPECIAL_USE', `special use ${use}: ${reason}`);
  }
}
