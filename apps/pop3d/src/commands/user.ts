// RFC 1939 §7 USER name: names the mailbox for PASS; answers +OK whether or not the name exists.
import { AUTHORIZATION, command } from '../context.js';
import { userArgument } from '../protocol/command.js';
import { ok } from '../protocol/reply.js';
import { plaintextDisallowed } from './login-errors.js';

export default command<string>({
  name: 'USER',
  states: AUTHORIZATION,
  parse: userArgument,
  logArgs: (user) => ({ user }),
  async handle(ctx, user) {
    if (!ctx.plaintextAllowed()) throw plaintextDisallowed();
    ctx.state.user = user;
    return ok();
  },
});
