// RFC 2449 §5 CAPA: the capability list; what is offered depends on the connection (TLS, loopback) and the state.
import { mechanismNames } from '@mail/auth';
import { BOTH, command, type CommandContext } from '../context.js';
import { noArguments } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';

/** SASL mechanisms offered on this connection now (plaintext ones only under TLS, on loopback, or if allowed). */
export function offeredMechanisms(ctx: CommandContext): string[] {
  const { conn, settings } = ctx;
  return mechanismNames({ tls: conn.secure, loopback: conn.loopback, allowInsecure: settings.allowInsecureAuth, enabled: settings.mechanisms });
}

export function capabilities(ctx: CommandContext): string[] {
  const { conn, settings, state } = ctx;
  const caps = ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (ctx.plaintextAllowed()) caps.push('USER');
  const mechs = offeredMechanisms(ctx);
  if (mechs.length > 0) caps.push(`SASL ${mechs.join(' ')}`);
  if (state.phase === 'AUTHORIZATION' && conn.starttls && !conn.secure && ctx.deps.tls) caps.push('STLS');
  if (settings.expire !== undefined) caps.push(`EXPIRE ${settings.expire}`);
  if (settings.loginDelay !== undefined) caps.push(`LOGIN-DELAY ${settings.loginDelay}`);
  if (settings.implementation) caps.push(`IMPLEMENTATION ${settings.implementation}`);
  return caps;
}

export default command<void>({
  name: 'CAPA',
  states: BOTH,
  parse: noArguments,
  async handle(ctx) {
    return ok('Capability list follows', { lines: capabilities(ctx) });
  },
});
