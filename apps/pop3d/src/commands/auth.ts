// RFC 5034 AUTH [mechanism [initial-response]]: a SASL exchange with the @mail/auth mechanisms, framed with
// "+ base64" continuations; additional data with success (SCRAM's server-final) is one more continuation that the
// client answers with an empty line. Without arguments, lists the mechanisms (as Dovecot does, for old clients).
import { createMechanism, decodeClientResponse, encodeChallenge, PLAINTEXT_MECHANISMS, type SaslMechanismName, type SaslStep } from '@mail/auth';
import { AUTHORIZATION, command, type CommandContext } from '../context.js';
import { authArguments } from '../protocol/command.js';
import { RespCode } from '../protocol/codes.js';
import { ok, Pop3Error } from '../protocol/reply.js';
import { offeredMechanisms } from './capa.js';
import { AUTH_FAILED, plaintextDisallowed } from './login-errors.js';

/** Round trips after which an exchange is abandoned (no mechanism needs more than three). */
const MAX_ROUNDS = 8;

const cancelled = (): Pop3Error => new Pop3Error('Authentication cancelled.');
const invalidBase64 = (): Pop3Error => new Pop3Error('Invalid base64 data in the response.', { bad: true });

/** Reads the client's answer to a continuation, as decoded bytes. */
async function response(ctx: CommandContext, challenge: Buffer): Promise<Buffer> {
  const line = await ctx.exchange(encodeChallenge(challenge));
  const decoded = decodeClientResponse(line);
  if (decoded.kind === 'cancel') throw cancelled();
  if (decoded.kind === 'invalid') throw invalidBase64();
  return decoded.data;
}

export default command<{ mechanism?: string; initial?: string }>({
  name: 'AUTH',
  states: AUTHORIZATION,
  parse: authArguments,
  logArgs: (a) => (a.mechanism ? { mechanism: a.mechanism } : {}),
  async handle(ctx, { mechanism, initial }) {
    const offered = offeredMechanisms(ctx);
    if (mechanism === undefined) return ok('Methods supported:', { lines: offered });
    if (!offered.includes(mechanism)) {
      if (ctx.settings.mechanisms.includes(mechanism) && PLAINTEXT_MECHANISMS.includes(mechanism as SaslMechanismName)) throw plaintextDisallowed();
      throw new Pop3Error('Unsupported authentication mechanism.');
    }
    ctx.state.user = null;
    const login = { remoteIp: ctx.conn.remoteIp };
    const client = ctx.deps.auth.forClient(login);
    let named = '';
    const backend = {
      ...client,
      storedSecret: (authcid: string) => {
        named = authcid;
        return client.storedSecret(authcid);
      },
    };
    const mech = createMechanism(mechanism, backend, {
      hostname: ctx.settings.hostname,
      ...(ctx.settings.saslSecret ? { secret: ctx.settings.saslSecret } : {}),
    });
    if (!mech) throw new Pop3Error('Unsupported authentication mechanism.');
    const selfVerifying = !PLAINTEXT_MECHANISMS.includes(mech.name);

    let step: SaslStep;
    if (initial !== undefined) {
      const decoded = decodeClientResponse(initial);
      if (decoded.kind === 'cancel') throw cancelled();
      if (decoded.kind === 'invalid') throw invalidBase64();
      step = await mech.start(decoded.data);
    } else {
      step = await mech.start();
    }
    for (let round = 0; step.kind === 'challenge'; round++) {
      if (round >= MAX_ROUNDS) throw new Pop3Error('Too many authentication steps.');
      step = await mech.step(await response(ctx, step.data));
    }
    if (step.kind === 'failure') {
      ctx.log.info({ mechanism: mech.name, reason: step.reason, detail: step.detail }, 'authentication failed');
      if (selfVerifying && step.reason === 'credentials') await client.report(named, false);
      if (step.reason === 'unavailable') throw new Pop3Error('Authentication is temporarily unavailable.', { code: RespCode.SysTemp });
      if (step.reason === 'malformed') throw ctx.authFailed('Invalid authentication data.', RespCode.Auth);
      throw ctx.authFailed(AUTH_FAILED, RespCode.Auth);
    }
    if (step.data) {
      const last = await response(ctx, step.data);
      if (last.length > 0) throw ctx.authFailed('Unexpected data after the final server message.', RespCode.Auth);
    }
    if (selfVerifying) await client.report(step.authcid, true);
    const account = await ctx.deps.accounts.findAccount(step.authzid);
    if (!account || !account.enabled) throw ctx.authFailed(AUTH_FAILED, RespCode.Auth);
    await ctx.enterTransaction(account, mech.name);
    return ok('Logged in.');
  },
});
