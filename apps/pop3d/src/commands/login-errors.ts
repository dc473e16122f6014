// The replies the login commands (USER, PASS, APOP, AUTH) share, so every way in fails the same way.
import type { LoginResult } from '@mail/auth';
import type { CommandContext } from '../context.js';
import { RespCode } from '../protocol/codes.js';
import { Pop3Error } from '../protocol/reply.js';

export const AUTH_FAILED = 'Authentication failed.';

/** RFC 2595 §2.1 / Dovecot's disable_plaintext_auth: no password in the clear except under TLS or on loopback. */
export function plaintextDisallowed(): Pop3Error {
  return new Pop3Error('Plaintext authentication disallowed on non-secure (SSL/TLS) connections.', { code: RespCode.Auth });
}

/** The error for a refused login; counts the failure against the connection's limit. */
export function loginRefused(ctx: CommandContext, result: Extract<LoginResult, { ok: false }>): Error {
  if (result.reason === 'locked') {
    const minutes = result.retryAfterMs !== undefined ? Math.max(1, Math.ceil(result.retryAfterMs / 60_000)) : undefined;
    return ctx.authFailed(`Too many failed logins; try again${minutes ? ` in ${minutes} minutes` : ' later'}.`, RespCode.SysTemp);
  }
  return ctx.authFailed(AUTH_FAILED, RespCode.Auth);
}
