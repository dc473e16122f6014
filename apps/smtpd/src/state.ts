// What one SMTP session knows, and its only transitions. The phase (greeting → ready → mail → rcpt, or bdat once
// a chunked body has begun) is derived from the data, so no command has to remember to update a flag.
import type { BodyGuard } from './message/guard.js';
import type { MessagePipe } from './message/pipe.js';
import type { EnvelopeRecipient, TlsInfo } from './ports.js';
import type { MailParams } from './protocol/params.js';
import type { SmtpReply } from './protocol/reply.js';

export type Phase = 'greeting' | 'ready' | 'mail' | 'rcpt' | 'bdat';

/** The message of a BDAT transaction while its chunks arrive. */
export interface ChunkedBody {
  pipe: MessagePipe;
  guard: BodyGuard;
  /** Settles when the sink has stored the message (or failed); never rejects. */
  outcome: Promise<{ ok: SmtpReply } | { error: unknown }>;
}

export interface Transaction {
  /** Queue id for the message, chosen at MAIL. */
  id: string;
  /** Reverse-path; '' for `<>`. */
  from: string;
  params: MailParams;
  recipients: EnvelopeRecipient[];
  /** RCPT commands refused in this transaction (the recipient limit counts accepted ones only). */
  refused: number;
  chunked?: ChunkedBody;
}

/** Why a transaction ended without a message. */
export class TransactionAborted extends Error {
  constructor(reason: string) {
    super(`transaction aborted: ${reason}`);
    this.name = 'TransactionAborted';
  }
}

export class SessionState {
  /** HELO/EHLO name and whether it was EHLO. */
  helo: { name: string; esmtp: boolean } | undefined;
  tls: TlsInfo | undefined;
  /** Account authenticated with AUTH. */
  account: string | undefined;
  tx: Transaction | undefined;
  /** Error replies sent (toward smtpd.maxErrors). */
  errors = 0;
  /** NOOP, RSET, VRFY, EXPN, HELP seen (Postfix junk commands). */
  junk = 0;
  authFailures = 0;
  messages = 0;

  constructor(tls?: TlsInfo) {
    this.tls = tls;
  }

  get phase(): Phase {
    if (!this.helo) return 'greeting';
    if (!this.tx) return 'ready';
    if (this.tx.chunked) return 'bdat';
    return this.tx.recipients.length > 0 ? 'rcpt' : 'mail';
  }

  /** HELO/EHLO: a new greeting, and any transaction is dropped (RFC 5321 §4.1.4). */
  greet(name: string, esmtp: boolean): void {
    this.reset('new greeting');
    this.helo = { name, esmtp };
  }

  begin(tx: Transaction): void {
    if (this.tx) throw new Error('a transaction is already open');
    this.tx = tx;
  }

  /** Ends the transaction (RSET, end of message, error); a half-received BDAT message is abandoned. */
  reset(reason: string): void {
    const tx = this.tx;
    this.tx = undefined;
    tx?.chunked?.pipe.abort(new TransactionAborted(reason));
  }

  /** After the TLS handshake: forget everything learnt in plaintext (RFC 3207 §4.2). */
  tlsStarted(tls: TlsInfo): void {
    this.reset('STARTTLS');
    this.helo = undefined;
    this.account = undefined;
    this.tls = tls;
  }

  authenticated(account: string): void {
    this.account = account;
  }
}
