// RFC 9051 §6.2.2 AUTHENTICATE mechanism [initial-response] (RFC 4959 SASL-IR): the @mail/auth step objects
// framed as `+ base64` continuations; "*" cancels; SCRAM's server-final goes out as a last challenge.
import { createMechanism, decodeClientResponse } from '@mail/auth';
import type { SaslStep } from '@mail/auth';
import type { CommandModule } from '../context.js';
import { ImapBad, ImapNo } from '../errors.js';
import type { Session } from '../session.js';
import { loginFailed } from './login.js';

/** Sends a challenge and returns the client's decoded answer. */
async function exchange(session: Session, data: Buffer): Promise<Buffer> {
  await session.send({ type: 'continue', data });
  const line = await session.readLine();
  if (line === 'wake') throw new ImapBad(null, 'Authentication interrupted');
  const response = decodeClientResponse(line.toString('latin1'));
  if (response.kind === 'cancel') throw new ImapBad(null, 'Authentication cancelled');
  if (response.kind === 'invalid') throw new ImapBad(null, 'Invalid base64 in authentication response');
  return response.data;
}

export const authenticate: CommandModule<'AUTHENTICATE'> = {
  name: 'AUTHENTICATE',
  states: ['NotAuth'],
  async handle(session, command) {
    const name = command.mechanism.toUpperCase();
    if (!session.saslMechanisms().includes(name)) {
      if (!session.plaintextOk && (name === 'PLAIN' || name === 'LOGIN')) throw new ImapNo('PRIVACYREQUIRED', 'Plaintext authentication disallowed without TLS');
      throw new ImapNo('CANNOT', 'Unsupported authentication mechanism');
    }
    const backend = session.deps.accounts.forClient({ remoteIp: session.client.ip });
    const mechanism = createMechanism(name, backend, { hostname: session.settings.hostname, ...(session.deps.saslSecret ? { secret: session.deps.saslSecret } : {}) });
    if (!mechanism) throw new ImapNo('CANNOT', 'Unsupported authentication mechanism');
    let step: SaslStep = await mechanism.start(command.initialResponse ?? undefined);
    while (step.kind === 'challenge') step = await mechanism.step(await exchange(session, step.data));
    if (step.kind === 'failure') {
      session.log.info({ mechanism: name, reason: step.reason, detail: step.detail }, 'authentication failed');
      if (step.reason === 'malformed') throw new ImapBad(null, 'Malformed authentication exchange');
      if (step.reason === 'unavailable') return loginFailed(session, command.tag, 'UNAVAILABLE', 'Authentication temporarily unavailable');
      if (step.reason === 'authzid') return loginFailed(session, command.tag, 'AUTHORIZATIONFAILED', 'Authorization failed');
      return loginFailed(session, command.tag, 'AUTHENTICATIONFAILED', 'Authentication failed');
    }
    if (step.data) {
      const final = await exchange(session, step.data);
      if (final.length > 0) throw new ImapBad(null, 'Unexpected data after authentication');
    }
    const account = await session.deps.accounts.account(step.authzid);
    if (!account || !account.enabled) return loginFailed(session, command.tag, 'AUTHENTICATIONFAILED', 'Authentication failed');
    await session.login(account);
    return { code: { code: 'CAPABILITY', capabilities: session.capabilities() }, text: 'Logged in' };
  },
};
