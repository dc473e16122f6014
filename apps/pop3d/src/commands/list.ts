// RFC 1939 §5 LIST [msg]: the size of one message, or a scan listing of every message not marked as deleted.
import { command, maildropOf, TRANSACTION } from '../context.js';
import { optionalMessageNumber } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<number | undefined>({
  name: 'LIST',
  states: TRANSACTION,
  parse: optionalMessageNumber,
  logArgs: (msg) => (msg === undefined ? {} : { msg }),
  async handle(ctx, msg) {
    const maildrop = maildropOf(ctx);
    if (msg !== undefined) {
      const e = maildrop.get(msg);
      return ok(`${e.number} ${e.octets}`);
    }
    const { count, octets } = maildrop.stat();
    return ok(`${count} messages (${octets} octets)`, { lines: maildrop.list().map((e) => `${e.number} ${e.octets}`) });
  },
});
