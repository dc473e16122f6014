// RFC 9051 §6.2.1 STARTTLS: only before login and only once; whatever the client pipelined after it is dropped
// (the framer is reset) and the capabilities are asked for again over TLS.
import type { CommandModule } from '../context.js';
import { ImapBad, ImapNo } from '../errors.js';

export const starttls: CommandModule<'STARTTLS'> = {
  name: 'STARTTLS',
  states: ['NotAuth'],
  async handle(session, command) {
    const tls = session.deps.tls;
    if (session.tls) throw new ImapBad(null, 'TLS is already active');
    if (!tls) throw new ImapNo('UNAVAILABLE', 'TLS is not available');
    const discarded = await session.conn.startTls(tls, { type: 'tagged', tag: command.tag, status: 'OK', text: 'Begin TLS negotiation now' });
    if (discarded > 0) session.log.warn({ discarded }, 'dropped plaintext sent after STARTTLS');
    session.log.info('TLS started');
    return { silent: true };
  },
};
