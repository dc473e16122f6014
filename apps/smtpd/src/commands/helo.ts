// RFC 5321 §4.1.1.1 HELO domain: the basic greeting; no extensions, no enhanced status codes in the reply.
import { Enhanced, Reply } from '../protocol/codes.js';
import { ArgumentError, parseHeloArgs } from '../protocol/command.js';
import { echo, reply } from '../protocol/reply.js';
import { ANY_PHASE, defineCommand } from './types.js';

/** Shared by HELO and EHLO: the client's name, or 501. */
export function parseGreeting(verb: string, args: string): string {
  try {
    return parseHeloArgs(args);
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    if (args.trim() === '') throw reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, `Syntax: ${verb} hostname`);
    throw reply(Reply.ParamSyntaxError, Enhanced.SyntaxError, `<${echo(args.trim())}>: Helo command rejected: Invalid name`);
  }
}

export const helo = defineCommand<string>({
  name: 'HELO',
  states: ANY_PHASE,
  parse: (args) => parseGreeting('HELO', args),
  async handle(ctx, name) {
    ctx.state.greet(name, false);
    return reply(Reply.Ok, undefined, ctx.settings.hostname);
  },
  logArgs: (name) => ({ helo: name }),
});
