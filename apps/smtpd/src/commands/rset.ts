// RFC 5321 §4.1.1.5 RSET: abandon the current transaction; the greeting and any login stay.
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply } from '../protocol/reply.js';
import { ANY_PHASE, defineCommand, noArguments } from './types.js';

export const rset = defineCommand<void>({
  name: 'RSET',
  states: ANY_PHASE,
  junk: true,
  parse: noArguments('RSET'),
  async handle(ctx) {
    ctx.state.reset('RSET');
    return reply(Reply.Ok, Enhanced.Ok, 'Ok');
  },
});
