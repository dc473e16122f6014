// RFC 1939 §5 RSET: unmarks every message marked as deleted.
import { command, maildropOf, TRANSACTION } from '../context.js';
import { noArguments } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<void>({
  name: 'RSET',
  states: TRANSACTION,
  parse: noArguments,
  async handle(ctx) {
    const maildrop = maildropOf(ctx);
    maildrop.reset();
    const { count, octets } = maildrop.stat();
    return ok(`Maildrop has ${count} messages (${octets} octets).`);
  },
});
