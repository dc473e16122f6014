// RFC 1939 §7 PASS string: the password for the name given with USER; on success the session enters TRANSACTION.
import { AUTHORIZATION, command } from '../context.js';
import { passArgument } from '../protocol/command.js';
import { ok, Pop3Error } from '../protocol/reply.js';
import { loginRefused, plaintextDisallowed } from './login-errors.js';

export default command<string>({
  name: 'PASS',
  states: AUTHORIZATION,
  parse: passArgument,
  async handle(ctx, password) {
    if (!ctx.plaintextAllowed()) throw plaintextDisallowed();
    const user = ctx.state.user;
    if (user === null) throw new Pop3Error('No user name given; send USER first.', { bad: true });
    ctx.state.user = null;
    const result = await ctx.deps.auth.login(user, password, { remoteIp: ctx.conn.remoteIp });
    if (!result.ok) throw loginRefused(ctx, result);
    await ctx.enterTransaction(result.account, 'USER');
    return ok('Logged in.');
  },
});
