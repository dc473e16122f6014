// RFC 5321 §4.1.1.1 EHLO domain: greeting plus the list of supported extensions, exactly what this server does.
import type { SessionContext } from '../context.js';
import { Reply } from '../protocol/codes.js';
import { reply } from '../protocol/reply.js';
import { parseGreeting } from './helo.js';
import { ANY_PHASE, defineCommand } from './types.js';

/** The AUTH mechanisms this connection may use now (RFC 4954 §4: plaintext ones only under TLS by default). */
export function authMechanisms(ctx: SessionContext): readonly string[] {
  if (!ctx.deps.sasl || ctx.state.account) return [];
  return ctx.deps.sasl.mechanisms({
    ip: ctx.client.ip,
    tls: ctx.conn.isTls,
    loopback: ctx.client.loopback,
    allowInsecure: ctx.settings.allowInsecureAuth,
  });
}

/** Whether STARTTLS can be offered: the listener allows it, a certificate exists and TLS is not on yet. */
export function canStartTls(ctx: SessionContext): boolean {
  return ctx.settings.starttls && ctx.deps.tls !== undefined && !ctx.conn.isTls;
}

export function extensions(ctx: SessionContext): string[] {
  const list = [
    'PIPELINING', // RFC 2920
    `SIZE ${ctx.settings.messageSize}`, // RFC 1870
    '8BITMIME', // RFC 6152
    'SMTPUTF8', // RFC 6531
    'ENHANCEDSTATUSCODES', // RFC 2034
  ];
  if (canStartTls(ctx)) list.push('STARTTLS'); // RFC 3207
  const mechs = authMechanisms(ctx);
  if (mechs.length > 0) list.push(`AUTH ${mechs.join(' ')}`); // RFC 4954
  list.push(
    'CHUNKING', // RFC 3030
    'BINARYMIME', // RFC 3030 (with CHUNKING only)
    'DSN', // RFC 3461
  );
  return list;
}

export const ehlo = defineCommand<string>({
  name: 'EHLO',
  states: ANY_PHASE,
  parse: (args) => parseGreeting('EHLO', args),
  async handle(ctx, name) {
    ctx.state.greet(name, true);
    return reply(Reply.Ok, undefined, [ctx.settings.hostname, ...extensions(ctx)]);
  },
  logArgs: (name) => ({ helo: name }),
});
