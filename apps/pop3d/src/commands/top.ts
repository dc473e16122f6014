// RFC 1939 §7 TOP msg n: the header, the empty line and the first n lines of the body; no \Seen.
import { command, maildropOf, TRANSACTION } from '../context.js';
import { topArguments } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<{ msg: number; lines: number }>({
  name: 'TOP',
  states: TRANSACTION,
  parse: topArguments,
  logArgs: (a) => ({ msg: a.msg, lines: a.lines }),
  async handle(ctx, { msg, lines }) {
    const maildrop = maildropOf(ctx);
    const entry = maildrop.get(msg);
    return ok('', { stream: await maildrop.open(entry, lines) });
  },
});
