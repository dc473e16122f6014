// Typed command outcomes of imapd: handlers throw ImapNo / ImapBad; toCompletion() is the one place that maps
// them, the storage's typed errors and the parser's errors to a tagged reply.
import { InvalidFlagError, KeywordLimitError, LockTimeoutError, MailboxExistsError, MailboxNameError, MailboxNoSelectError, MailboxNotFoundError, MailboxOperationError, MessageNotFoundError, QuotaExceededError, SpecialUseError } from '@mail/maildir';
import { ImapParseError, MailboxNameError as ProtocolNameError } from './protocol/index.js';
import type { ResponseCode, SimpleResponseCode } from './protocol/index.js';

type CodeArg = SimpleResponseCode | ResponseCode | null;

function codeOf(code: CodeArg): ResponseCode | undefined {
  if (code === null) return undefined;
  return typeof code === 'string' ? { code } : code;
}

/** `tag NO [code] text`: a well-formed command the server refuses. */
export class ImapNo extends Error {
  override readonly name = 'ImapNo';
  readonly code: ResponseCode | undefined;
  constructor(code: CodeArg, text: string) {
    super(text);
    this.code = codeOf(code);
  }
}

/** `tag BAD [code] text`: a command that is wrong in this state or malformed. */
export class ImapBad extends Error {
  override readonly name = 'ImapBad';
  readonly code: ResponseCode | undefined;
  constructor(code: CodeArg, text: string) {
    super(text);
    this.code = codeOf(code);
  }
}

export interface Completion {
  status: 'NO' | 'BAD';
  code?: ResponseCode;
  text: string;
  /** Not an expected refusal: log it with context (its message never reaches the client). */
  unexpected?: boolean;
}

const no = (code: SimpleResponseCode | null, text: string): Completion => (code ? { status: 'NO', code: { code }, text } : { status: 'NO', text });

/** The reply for an error thrown by a handler. */
export function toCompletion(err: unknown): Completion {
  if (err instanceof ImapNo) return { status: 'NO', ...(err.code ? { code: err.code } : {}), text: err.message };
  if (err instanceof ImapBad) return { status: 'BAD', ...(err.code ? { code: err.code } : {}), text: err.message };
  if (err instanceof ImapParseError) return { status: err.status, ...(err.code ? { code: err.code } : {}), text: err.message };
  if (err instanceof MailboxNotFoundError) return no('NONEXISTENT', 'Mailbox does not exist');
  if (err instanceof MailboxExistsError) return no('ALREADYEXISTS', 'Mailbox already exists');
  if (err instanceof MailboxNoSelectError) return no('NONEXISTENT', 'Mailbox is not selectable');
  if (err instanceof MailboxOperationError) return no('CANNOT', 'Operation not permitted on this mailbox');
  if (err instanceof MailboxNameError || err instanceof ProtocolNameError) return no('CANNOT', 'Invalid mailbox name');
  if (err instanceof SpecialUseError) return no('USEATTR', err.message);
  if (err instanceof InvalidFlagError) return { status: 'BAD', text: 'Invalid flag' };
  if (err instanceof KeywordLimitError) return no('LIMIT', 'Too many keywords in this mailbox');
  if (err instanceof QuotaExceededError) return no('OVERQUOTA', 'Quota exceeded');
  if (err instanceof MessageNotFoundError) return no('EXPUNGEISSUED', 'Some messages were expunged meanwhile');
  if (err instanceof LockTimeoutError) return no('INUSE', 'Mailbox is busy, try again later');
  return { status: 'NO', code: { code: 'SERVERBUG' }, text: 'Internal error occurred, refer to server log', unexpected: true };
}
