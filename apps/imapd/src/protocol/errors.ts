// Typed errors of the IMAP protocol layer: a parse error carries the tag and the reply the session should send.
import type { ResponseCode } from './response-types.js';

export interface ImapParseErrorOptions {
  /** Tag of the command when it could be read; null means the session answers with `* BAD`. */
  tag?: string | null;
  /** Command name (upper case, "UID FETCH" for UID variants) when known. */
  command?: string | null;
  /** BAD for syntax errors (the default); NO for well-formed arguments the server refuses (bad charset, bad mailbox name). */
  status?: 'BAD' | 'NO';
  code?: ResponseCode | null;
}

/**
 * The one error the parser throws. Its message is safe to send to the client as the response text: it never
 * echoes client bytes.
 */
export class ImapParseError extends Error {
  override readonly name = 'ImapParseError';
  readonly tag: string | null;
  readonly command: string | null;
  readonly status: 'BAD' | 'NO';
  readonly code: ResponseCode | null;

  constructor(message: string, options: ImapParseErrorOptions = {}) {
    super(message);
    this.tag = options.tag ?? null;
    this.command = options.command ?? null;
    this.status = options.status ?? 'BAD';
    this.code = options.code ?? null;
  }

  /** The same error with the tag and command filled in where they were unknown at the point of failure. */
  withContext(tag: string | null, command: string | null): ImapParseError {
    if ((this.tag ?? tag) === this.tag && (this.command ?? command) === this.command) return this;
    return new ImapParseError(this.message, {
      tag: this.tag ?? tag,
      command: this.command ?? command,
      status: this.status,
      code: this.code,
    });
  }
}

/** Raised by the mailbox name codec for names that are not valid modified UTF-7 or UTF-8. */
export class MailboxNameError extends Error {
  override readonly name = 'MailboxNameError';
}

export type FramerErrorCode =
  /** A line of command text is longer than the limit; the rest of the command is skipped. */
  | 'LINE_TOO_LONG'
  /** A literal is larger than the limit (or a {n+} larger than the non-synchronising limit). */
  | 'LITERAL_TOO_BIG'
  /** The lines and literals of one command outgrew maxCommandSize. */
  | 'COMMAND_TOO_BIG'
  /** The client sent more than the framer is willing to read and throw away; the connection must close. */
  | 'DISCARD_LIMIT';

/**
 * Reported (not thrown) by the framer. The session answers `tag BAD [TOOBIG] message` (or `* BAD` without a
 * tag); when `fatal` it sends BYE and closes, the framer having stopped.
 */
export class FramerError extends Error {
  override readonly name = 'FramerError';
  constructor(
    readonly code: FramerErrorCode,
    message: string,
    readonly tag: string | null,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}
