// RFC 1939 §5 RETR msg: the whole message, CRLF line endings and byte-stuffed; once it is all sent it gets \Seen at
// the end of the session.
import { command, maildropOf, TRANSACTION } from '../context.js';
import { requiredMessageNumber } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

export default command<number>({
  name: 'RETR',
  states: TRANSACTION,
  parse: requiredMessageNumber,
  logArgs: (msg) => ({ msg }),
  async handle(ctx, msg) {
    const maildrop = maildropOf(ctx);
    const entry = maildrop.get(msg);
    const body = await maildrop.open(entry);
    return ok(`${entry.octets} octets`, { stream: { ...body, expectedOctets: entry.octets, sent: () => maildrop.retrieved(entry) } });
  },
});
