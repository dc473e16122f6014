// The state of one POP3 session and the context a command handler runs with; command modules' shape.
import type { Account } from '@mail/auth';
import type { Logger } from '@mail/log';
import type { Maildrop } from './maildrop.js';
import type { MailboxLock, Pop3Deps } from './ports.js';
import type { RespCode } from './protocol/codes.js';
import type { Reply } from './protocol/reply.js';
import type { Pop3Settings } from './settings.js';

/** RFC 1939 §3: the session's states. */
export type Phase = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

export interface ConnectionInfo {
  /** Short id for the log. */
  id: string;
  /** The client's address, IPv4-mapped IPv6 written as IPv4. */
  remoteIp: string;
  remotePort: number;
  /** The client is on this machine (127.0.0.0/8, ::1). */
  loopback: boolean;
  /** TLS is active (implicit TLS, or after STLS). */
  secure: boolean;
  /** STLS is offered on this listener. */
  starttls: boolean;
}

export interface SessionState {
  phase: Phase;
  /** USER's argument, waiting for PASS. */
  user: string | null;
  /** The APOP timestamp of the greeting, when APOP is offered. */
  apopTimestamp: string | null;
  /** Failed authentications on this connection. */
  authFailures: number;
  /** The logged-in account (TRANSACTION and UPDATE). */
  account: Account | null;
  maildrop: Maildrop | null;
  /** The mailbox lock held in TRANSACTION and UPDATE. */
  lock: MailboxLock | null;
}

/** What a command handler may do beyond reading the state: talk SASL, log in, count a failed login. */
export interface CommandContext {
  readonly conn: ConnectionInfo;
  readonly state: SessionState;
  readonly settings: Pop3Settings;
  readonly deps: Pop3Deps;
  readonly log: Logger;
  /** Whether USER/PASS and plaintext SASL are allowed on this connection now. */
  plaintextAllowed(): boolean;
  /** SASL continuation: sends `+ text` and returns the client's next line (a line too long becomes an error). */
  exchange(text: string): Promise<string>;
  /** Enters the TRANSACTION state for `account`: takes the mailbox lock and the INBOX snapshot. Throws Pop3Error. */
  enterTransaction(account: Account, method: string): Promise<void>;
  /**
   * A failed authentication: the error to throw, which closes the connection once limits.authFailures is reached.
   */
  authFailed(text: string, code?: RespCode): Error;
}

/** One command module: RFC 1939/2449/2595/5034 syntax and behaviour of one keyword. */
export interface Pop3Command<A = unknown> {
  name: string;
  /** States in which the command is valid; the dispatcher refuses it elsewhere. */
  states: ReadonlySet<Phase>;
  /** Pure: the argument text to typed arguments, or a Pop3Error. */
  parse(args: string): A;
  handle(ctx: CommandContext, args: A): Promise<Reply>;
  /** Log fields for the arguments (never secrets). */
  logArgs?(args: A): Record<string, unknown>;
}

export const AUTHORIZATION: ReadonlySet<Phase> = new Set<Phase>(['AUTHORIZATION']);
export const TRANSACTION: ReadonlySet<Phase> = new Set<Phase>(['TRANSACTION']);
export const BOTH: ReadonlySet<Phase> = new Set<Phase>(['AUTHORIZATION', 'TRANSACTION']);

/** Typed definition helper: keeps the argument type of parse and handle together. */
export function command<A>(definition: Pop3Command<A>): Pop3Command<A> {
  return definition;
}

/** The maildrop of a session in TRANSACTION (the dispatcher guarantees the state). */
export function maildropOf(ctx: CommandContext): Maildrop {
  const m = ctx.state.maildrop;
  if (!m) throw new Error('no maildrop outside the TRANSACTION state');
  return m;
}
