// Runs one command line: lookup in the command table, line limit, phase check, parse, handle; maps every outcome
// (typed reply, typed error, unexpected error) to one reply, logs it, and enforces the error and junk limits.
import type { Payload } from './connection.js';
import { SessionEndError } from './connection.js';
import type { SessionContext } from './context.js';
import { COMMANDS, FORBIDDEN, NOT_IMPLEMENTED } from './commands/index.js';
import { COMMAND_LINE, sequenceError } from './commands/types.js';
import { Enhanced, Reply } from './protocol/codes.js';
import { decodeCommandLine, splitCommand } from './protocol/command.js';
import type { Line } from './protocol/framer.js';
import { reply, SmtpReply } from './protocol/reply.js';
import { TransactionAborted } from './state.js';

/** Postfix smtpd_junk_command_limit: NOOP, RSET, VRFY... beyond this many count as errors. */
export const JUNK_LIMIT = 100;

export type Outcome = 'continue' | 'close';

const lineTooLong = (): SmtpReply => reply(Reply.SyntaxError, Enhanced.SyntaxError, 'Error: line too long');

/** Decides the reply to one line; errors the client should not see are logged and become 451 4.3.0. */
async function run(ctx: SessionContext, line: Line, log: Record<string, unknown>): Promise<{ reply: SmtpReply | undefined; junk: boolean }> {
  if (line.kind === 'too-long') return { reply: lineTooLong(), junk: false };
  if (line.kind === 'bare-lf') return { reply: reply(Reply.SyntaxError, Enhanced.SyntaxError, 'Error: bare <LF> received'), junk: false };
  const decoded = decodeCommandLine(line.bytes);
  if ('problem' in decoded) return { reply: reply(Reply.SyntaxError, Enhanced.SyntaxError, 'Error: bad syntax'), junk: false };
  const { verb, args } = splitCommand(decoded.text);
  log.cmd = verb || '(none)';
  if (FORBIDDEN.has(verb) || (verb === '' && /^[^A-Za-z]/.test(decoded.text))) {
    return { reply: reply(Reply.TransactionFailed, Enhanced.SecurityOther, 'Error: not an SMTP command; closing connection', { close: true }), junk: false };
  }
  const cmd = COMMANDS.get(verb);
  if (!cmd) {
    const known = NOT_IMPLEMENTED.has(verb);
    return { reply: reply(known ? Reply.NotImplemented : Reply.SyntaxError, known ? Enhanced.BadCommandOrSequence : Enhanced.SyntaxError, known ? 'Error: command not implemented' : 'Error: command not recognized'), junk: false };
  }
  // BDAT: the chunk's octets follow the line and are read whatever happens to the command.
  let payload: Payload | undefined;
  try {
    if (cmd.payload) payload = ctx.conn.payload(cmd.payload(args));
    if (line.bytes.length + 2 > (cmd.maxLine ?? COMMAND_LINE)) return { reply: lineTooLong(), junk: false };
    const phase = ctx.state.phase;
    if (!cmd.states.has(phase)) return { reply: cmd.wrongPhase?.(phase) ?? sequenceError(phase, verb), junk: false };
    const parsed = cmd.parse(args, ctx.settings);
    Object.assign(log, cmd.logArgs?.(parsed));
    return { reply: await cmd.handle(ctx, parsed, payload), junk: cmd.junk === true };
  } catch (err) {
    if (err instanceof SmtpReply) return { reply: err, junk: false };
    if (err instanceof SessionEndError) {
      payload = undefined; // nothing more will be read
      throw err;
    }
    if (err instanceof TransactionAborted) return { reply: reply(Reply.LocalError, Enhanced.TempLocalError, 'Error: transaction aborted'), junk: false };
    ctx.log.error({ err, ...log }, 'command failed');
    return { reply: reply(Reply.LocalError, Enhanced.TempLocalError, 'Error: local error in processing'), junk: false };
  } finally {
    await payload?.drain();
  }
}

/** Handles one line from the client and says whether the session goes on. */
export async function dispatch(ctx: SessionContext, line: Line): Promise<Outcome> {
  const { state, conn, settings } = ctx;
  const log: Record<string, unknown> = {};
  const { reply: r, junk } = await run(ctx, line, log);
  if (!r) {
    ctx.log.debug(log, 'command');
    return conn.closed ? 'close' : 'continue';
  }
  conn.write(r);
  if (r.isError) ctx.log.info({ ...log, code: r.code, enhanced: r.enhanced, reply: r.lines[0] }, 'command refused');
  else ctx.log.debug({ ...log, code: r.code }, 'command');
  if (junk && ++state.junk > JUNK_LIMIT) state.errors++;
  if (r.countsAsError) state.errors++;
  if (!r.closes && state.errors >= settings.maxErrors) {
    conn.write(reply(Reply.ServiceNotAvailable, Enhanced.TempSecurityOther, `${settings.hostname} Error: too many errors`));
    ctx.log.info({ errors: state.errors }, 'too many errors; closing');
    return 'close';
  }
  return r.closes ? 'close' : 'continue';
}
