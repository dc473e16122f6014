// The shape of a command module ({ name, states, parse, handle }) and the phase errors shared by several commands.
import type { Payload } from '../connection.js';
import type { SessionContext, SessionSettings } from '../context.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply, type SmtpReply } from '../protocol/reply.js';
import type { Phase } from '../state.js';

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF, unless an extension says more. */
export const COMMAND_LINE = 512;

export interface CommandModule<A> {
  /** The verb, upper case. */
  readonly name: string;
  /** The phases the command runs in; the dispatcher refuses it elsewhere. */
  readonly states: ReadonlySet<Phase>;
  /** The reply for a phase not in `states`; default: sequenceError. */
  wrongPhase?(phase: Phase): SmtpReply;
  /** Longest line for this command, CRLF included (default COMMAND_LINE). */
  readonly maxLine?: number;
  /** NOOP, RSET, VRFY, EXPN, HELP: past a limit they count as errors (Postfix smtpd_junk_command_limit). */
  readonly junk?: boolean;
  /** Octets following the command line that belong to it (BDAT): read and dropped even if the command fails. */
  payload?(args: string): number;
  /** Arguments → typed value; throws SmtpReply. Pure. */
  parse(args: string, settings: SessionSettings): A;
  /** Runs the command; returns the reply, or undefined when it has already been sent (STARTTLS). */
  handle(ctx: SessionContext, args: A, payload?: Payload): Promise<SmtpReply | undefined>;
  /** What of the arguments may be logged (never credentials). */
  logArgs?(args: A): Record<string, unknown>;
}

/** Erases the argument type so modules of different commands share one table. */
export type AnyCommand = CommandModule<unknown>;

export function defineCommand<A>(module: CommandModule<A>): AnyCommand {
  return module as unknown as AnyCommand;
}

export function phases(...list: Phase[]): ReadonlySet<Phase> {
  return new Set(list);
}

/** Phases in which no transaction is open. */
export const ANY_PHASE = phases('greeting', 'ready', 'mail', 'rcpt', 'bdat');
export const OUTSIDE_BDAT = phases('greeting', 'ready', 'mail', 'rcpt');

/** 503 5.5.1 with Postfix's wording for what is missing. */
export function sequenceError(phase: Phase, verb: string): SmtpReply {
  const text =
    phase === 'greeting'
      ? 'Error: send HELO/EHLO first'
      : phase === 'bdat'
        ? `Error: ${verb} not allowed while a BDAT transfer is in progress`
        : verb === 'MAIL'
          ? 'Error: nested MAIL command'
          : phase === 'ready'
            ? 'Error: need MAIL command'
            : phase === 'mail' && (verb === 'DATA' || verb === 'BDAT')
              ? 'Error: need RCPT command'
              : 'Error: MAIL transaction in progress';
  return reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, text);
}

/** 501 5.5.4 for a command that takes no arguments. */
export function noArguments(verb: string): (args: string) => void {
  return (args: string) => {
    if (args.trim() !== '') throw reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, `Syntax: ${verb}`);
  };
}
