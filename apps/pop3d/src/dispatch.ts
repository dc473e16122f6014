// Runs one command line: parse the keyword, look it up in the command table, check the state, parse the
// arguments, run the handler; maps every outcome (reply, Pop3Error, unexpected error) to one reply and logs it.
import { COMMANDS } from './commands/index.js';
import type { CommandContext } from './context.js';
import { RespCode } from './protocol/codes.js';
import { splitCommandLine } from './protocol/command.js';
import type { Line } from './protocol/framer.js';
import { Pop3Error, type Reply } from './protocol/reply.js';

export interface Dispatched {
  reply: Reply;
  /** The client got the command wrong: counts towards limits.badCommands. */
  bad: boolean;
  /** The keyword, for the log. */
  command: string;
}

/** The error for a command sent in the wrong state. */
function wrongState(ctx: CommandContext): Pop3Error {
  if (ctx.state.phase === 'AUTHORIZATION') return new Pop3Error('Not logged in.', { bad: true });
  return new Pop3Error('Already logged in.', { bad: true });
}

async function run(ctx: CommandContext, line: Line, fields: Record<string, unknown>): Promise<Reply> {
  if (line.kind === 'too-long') throw new Pop3Error('Command line too long.', { bad: true });
  const { name, args } = splitCommandLine(line.bytes);
  fields.cmd = name;
  const cmd = COMMANDS.get(name);
  if (!cmd) throw new Pop3Error('Unknown command.', { bad: true });
  if (!cmd.states.has(ctx.state.phase)) throw wrongState(ctx);
  const parsed = cmd.parse(args);
  Object.assign(fields, cmd.logArgs?.(parsed));
  return cmd.handle(ctx, parsed);
}

/** Handles one line from the client; never throws for anything a command does. */
export async function dispatch(ctx: CommandContext, line: Line): Promise<Dispatched> {
  const fields: Record<string, unknown> = {};
  let reply: Reply;
  let bad = false;
  try {
    reply = await run(ctx, line, fields);
  } catch (err) {
    if (err instanceof Pop3Error) {
      reply = err.toReply();
      bad = err.bad;
    } else {
      ctx.log.error({ err, ...fields }, 'command failed');
      reply = { kind: 'err', code: RespCode.SysTemp, text: 'Internal error; try again later.', after: 'continue' };
    }
  }
  if (reply.kind === 'err') ctx.log.info({ ...fields, code: reply.code, reply: reply.text }, 'command refused');
  else ctx.log.debug(fields, 'command');
  return { reply, bad, command: typeof fields.cmd === 'string' ? fields.cmd : '' };
}
