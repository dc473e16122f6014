// RFC 1939 §7 APOP name digest: MD5 of the greeting's timestamp and the password. Only offered (timestamp in the
// greeting) when some account's stored scheme is {PLAIN}; for any other scheme it fails like a wrong password.
import { verifyApop } from '@mail/auth';
import { AUTHORIZATION, command } from '../context.js';
import { apopArguments } from '../protocol/command.js';
import { RespCode } from '../protocol/codes.js';
import { ok, Pop3Error } from '../protocol/reply.js';
import { AUTH_FAILED } from './login-errors.js';

export default command<{ user: string; digest: string }>({
  name: 'APOP',
  states: AUTHORIZATION,
  parse: apopArguments,
  logArgs: (a) => ({ user: a.user }),
  async handle(ctx, { user, digest }) {
    const timestamp = ctx.state.apopTimestamp;
    if (timestamp === null) throw new Pop3Error('APOP is not available.', { bad: true });
    ctx.state.user = null;
    const login = { remoteIp: ctx.conn.remoteIp };
    const secret = await ctx.deps.auth.storedSecret(user, login);
    const match = secret !== null && verifyApop(secret.stored, timestamp, digest);
    await ctx.deps.auth.report(user, match, login);
    const account = match ? await ctx.deps.accounts.findAccount(secret.account) : null;
    if (!account || !account.enabled) throw ctx.authFailed(AUTH_FAILED, RespCode.Auth);
    await ctx.enterTransaction(account, 'APOP');
    return ok('Logged in.');
  },
});
