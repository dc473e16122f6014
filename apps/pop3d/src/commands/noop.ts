// RFC 1939 §5 NOOP: does nothing and answers +OK (TRANSACTION state).
import { command, TRANSACTION } from '../context.js';
import { noArguments } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<void>({
  name: 'NOOP',
  states: TRANSACTION,
  parse: noArguments,
  async handle() {
    return ok();
  },
});
