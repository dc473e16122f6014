// RFC 2595 §4 STLS: starts TLS negotiation; the session then discards plaintext sent after the command and forgets
// what it learned before (USER), as if the connection were new.
import { AUTHORIZATION, command } from '../context.js';
import { noArguments } from '../protocol/command.js';
import { ok, Pop3Error } from '../protocol/reply.js';

export default command<void>({
  name: 'STLS',
  states: AUTHORIZATION,
  parse: noArguments,
  async handle(ctx) {
    if (ctx.conn.secure) throw new Pop3Error('TLS is already active.', { bad: true });
    if (!ctx.conn.starttls || !ctx.deps.tls) throw new Pop3Error('STLS is not available on this port.', { bad: true });
    return ok('Begin TLS negotiation now.', { after: 'starttls' });
  },
});
