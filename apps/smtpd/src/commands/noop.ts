// RFC 5321 §4.1.1.9 NOOP [SP String]: does nothing, answers 250.
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply } from '../protocol/reply.js';
import { ANY_PHASE, defineCommand } from './types.js';

export const noop = defineCommand<void>({
  name: 'NOOP',
  states: ANY_PHASE,
  junk: true,
  parse: () => undefined,
  async handle() {
    return reply(Reply.Ok, Enhanced.Ok, 'Ok');
  },
});
