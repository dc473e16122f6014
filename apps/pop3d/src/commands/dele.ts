// RFC 1939 §5 DELE msg: marks a message as deleted; it is removed only in the UPDATE state after QUIT.
import { command, maildropOf, TRANSACTION } from '../context.js';
import { requiredMessageNumber } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<number>({
  name: 'DELE',
  states: TRANSACTION,
  parse: requiredMessageNumber,
  logArgs: (msg) => ({ msg }),
  async handle(ctx, msg) {
    maildropOf(ctx).dele(msg);
    return ok(`Message ${msg} deleted.`);
  },
});
