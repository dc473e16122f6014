// RFC 1939 §7 UIDL [msg]: unique-id listing, stable across sessions (see ../uidl.ts for the format).
import { command, maildropOf, TRANSACTION } from '../context.js';
import { optionalMessageNumber } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<number | undefined>({
  name: 'UIDL',
  states: TRANSACTION,
  parse: optionalMessageNumber,
  logArgs: (msg) => (msg === undefined ? {} : { msg }),
  async handle(ctx, msg) {
    const maildrop = maildropOf(ctx);
    if (msg !== undefined) {
      const e = maildrop.get(msg);
      return ok(`${e.number} ${maildrop.uidl(e)}`);
    }
    return ok('', { lines: maildrop.list().map((e) => `${e.number} ${maildrop.uidl(e)}`) });
  },
});
