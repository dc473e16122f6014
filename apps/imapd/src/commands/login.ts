// RFC 9051 §6.2.3 LOGIN user password: refused without TLS (LOGINDISABLED) except on loopback or when
// allowInsecureAuth is set; failures are throttled by @mail/auth and counted per connection (limits.authFailures).
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';
import type { Session } from '../session.js';
import { EndSession } from '../session.js';

/** Answers a failed login; after limits.authFailures of them the connection ends. */
export async function loginFailed(session: Session, tag: string, code: 'AUTHENTICATIONFAILED' | 'UNAVAILABLE' | 'AUTHORIZATIONFAILED', text: string): Promise<never> {
  session.authFailures += 1;
  if (session.authFailures >= session.settings.authFailures) {
    await session.send({ type: 'tagged', tag, status: 'NO', code: { code }, text });
    throw new EndSession('Too many authentication failures');
  }
  throw new ImapNo(code, text);
}

export const login: CommandModule<'LOGIN'> = {
  name: 'LOGIN',
  states: ['NotAuth'],
  async handle(session, command) {
    if (!session.plaintextOk) throw new ImapNo('PRIVACYREQUIRED', 'Plaintext authentication disallowed without TLS');
    const result = await session.deps.accounts.login(command.username, command.password, { remoteIp: session.client.ip });
    if (!result.ok) {
      session.log.info({ user: command.username.slice(0, 256), reason: result.reason }, 'login failed');
      if (result.reason === 'locked') return loginFailed(session, command.tag, 'UNAVAILABLE', 'Too many failed logins, try again later');
      return loginFailed(session, command.tag, 'AUTHENTICATIONFAILED', 'Authentication failed');
    }
    await session.login(result.account);
    return { code: { code: 'CAPABILITY', capabilities: session.capabilities() }, text: 'Logged in' };
  },
};
