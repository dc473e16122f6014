// RFC 3207 STARTTLS: 220, then the TLS handshake. Anything the client pipelined after the command is discarded
// before the handshake (CVE-2011-0411), and the session starts over: EHLO is needed again, nothing is kept.
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply } from '../protocol/reply.js';
import { defineCommand, noArguments, phases, sequenceError } from './types.js';

export const starttls = defineCommand<void>({
  name: 'STARTTLS',
  states: phases('ready'),
  wrongPhase: (phase) => sequenceError(phase, 'STARTTLS'),
  parse: noArguments('STARTTLS'),
  async handle(ctx) {
    const { conn, state, deps, settings, log } = ctx;
    if (conn.isTls) return reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, 'Error: TLS already active');
    if (!settings.starttls) return reply(Reply.NotImplemented, Enhanced.BadCommandOrSequence, 'Error: command not implemented');
    if (!deps.tls) return reply(Reply.TempAuthFailure, Enhanced.TempSecurityOther, 'TLS not available due to local problem');
    const { discarded, tls } = await conn.startTls(deps.tls, reply(Reply.ServiceReady, Enhanced.Ok, 'Ready to start TLS'));
    if (discarded > 0) log.warn({ discarded }, 'discarded input sent after STARTTLS before the TLS handshake');
    state.tlsStarted(tls);
    log.info({ tls: tls.protocol, cipher: tls.cipher }, 'TLS started');
    return undefined;
  },
});
