// RFC 5321 §4.1.1.10 QUIT: 221, then the connection is closed; an open transaction is abandoned.
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply } from '../protocol/reply.js';
import { ANY_PHASE, defineCommand, noArguments } from './types.js';

export const quit = defineCommand<void>({
  name: 'QUIT',
  states: ANY_PHASE,
  parse: noArguments('QUIT'),
  async handle(ctx) {
    ctx.state.reset('QUIT');
    return reply(Reply.ServiceClosing, Enhanced.Ok, 'Bye', { close: true });
  },
});
