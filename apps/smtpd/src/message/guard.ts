// What a message body must satisfy while it streams in: the size limit (RFC 1870, 552 5.3.4) and, unless it is
// BINARYMIME, clean text lines (see protocol/text-check.ts). The first violation becomes the reply.
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply, type SmtpReply } from '../protocol/reply.js';
import { TextChecker, type TextProblem } from '../protocol/text-check.js';

export function messageTooBig(): SmtpReply {
  return reply(Reply.ExceededStorage, Enhanced.MessageTooBig, 'Error: message file too big');
}

/** The reply for each text problem (documented in README: reject, never normalise). */
export function textProblemReply(p: TextProblem): SmtpReply {
  switch (p) {
    case 'bare-lf':
      return reply(Reply.MailboxUnavailable, Enhanced.SyntaxError, 'Error: bare <LF> received; message not accepted (RFC 5321 section 2.3.8)');
    case 'bare-cr':
      return reply(Reply.MailboxUnavailable, Enhanced.SyntaxError, 'Error: bare <CR> received; message not accepted (RFC 5321 section 2.3.8)');
    case 'nul':
      return reply(Reply.TransactionFailed, Enhanced.MediaError, 'Error: message contains NUL characters');
    case 'long-line':
      return reply(Reply.TransactionFailed, Enhanced.MediaError, 'Error: message has a line longer than 1000 octets (RFC 5321 section 4.5.3.1.6)');
  }
}

export class BodyGuard {
  private size = 0;
  private readonly checker: TextChecker | undefined;

  constructor(
    private readonly limit: number,
    binary: boolean,
  ) {
    this.checker = binary ? undefined : new TextChecker();
  }

  get received(): number {
    return this.size;
  }

  /** Accounts for the next piece; returns the reply that rejects the message, if any. */
  feed(piece: Buffer): SmtpReply | undefined {
    this.size += piece.length;
    if (this.size > this.limit) return messageTooBig();
    const p = this.checker?.check(piece);
    return p ? textProblemReply(p) : undefined;
  }

  /** Call at the end of the message. */
  finish(): SmtpReply | undefined {
    if (this.size > this.limit) return messageTooBig();
    const p = this.checker?.finish();
    return p ? textProblemReply(p) : undefined;
  }
}
