// RFC 1939 §5 STAT: "+OK count octets" for the messages not marked as deleted.
import { command, maildropOf, TRANSACTION } from '../context.js';
import { noArguments } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<void>({
  name: 'STAT',
  states: TRANSACTION,
  parse: noArguments,
  async handle(ctx) {
    const { count, octets } = maildropOf(ctx).stat();
    return ok(`${count} ${octets}`);
  },
});
