// RFC 4954 AUTH mechanism [SP initial-response]: frames a SASL exchange from @mail/auth (334 base64 challenges,
// `*` cancels, `=` is an empty initial response), counts failures per connection and asks the login gate first.
// Credentials never reach a log line: only the mechanism and the resulting account are logged.
import { authMechanisms, canStartTls } from './ehlo.js';
import type { SessionContext } from '../context.js';
import type { SaslMechanism, SaslStep } from '../ports.js';
import { decodeBase64 } from '../protocol/base64.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { ArgumentError, decodeCommandLine, parseAuthArgs } from '../protocol/command.js';
import { reply, type SmtpReply } from '../protocol/reply.js';
import { defineCommand, phases, sequenceError } from './types.js';

/** RFC 4954 §4: AUTH lines, initial response included, may be 12288 octets long. */
export const AUTH_LINE = 12288;

type Response = { data: Buffer } | { reply: SmtpReply };

const cancelled = (): SmtpReply => reply(Reply.ParamSyntaxError, Enhanced.OtherPermanent, 'Authentication cancelled');
const badBase64 = (): SmtpReply => reply(Reply.ParamSyntaxError, Enhanced.SyntaxError, 'Error: invalid base64 data');

/** Sends a challenge and reads the client's answer. */
async function exchange(ctx: SessionContext, challenge: Buffer): Promise<Response> {
  ctx.conn.write(reply(Reply.AuthContinue, undefined, challenge.toString('base64')));
  const line = await ctx.conn.readLine();
  if (line.kind === 'too-long') return { reply: reply(Reply.SyntaxError, Enhanced.AuthLineTooLong, 'Error: authentication line too long') };
  if (line.kind === 'bare-lf') return { reply: reply(Reply.SyntaxError, Enhanced.SyntaxError, 'Error: bare <LF> received') };
  const decoded = decodeCommandLine(line.bytes);
  if ('problem' in decoded) return { reply: badBase64() };
  if (decoded.text === '*') return { reply: cancelled() };
  const data = decodeBase64(decoded.text);
  return data ? { data } : { reply: badBase64() };
}

/** Runs the exchange to its end: success, failure, or a reply that ends it early (cancel, bad data). */
async function converse(ctx: SessionContext, mech: SaslMechanism, initial: Buffer | undefined): Promise<SaslStep | SmtpReply> {
  let step = await mech.start(initial);
  for (;;) {
    if (step.kind === 'failure') return step;
    if (step.kind === 'success') {
      if (!step.data) return step;
      // Additional data with success (SCRAM server-final) goes as one more challenge; the answer must be empty.
      const r = await exchange(ctx, step.data);
      if ('reply' in r) return r.reply;
      if (r.data.length > 0) return { kind: 'failure', reason: 'malformed', detail: 'non-empty response to the final challenge' };
      const { data: _data, ...done } = step;
      return done;
    }
    const r = await exchange(ctx, step.data);
    if ('reply' in r) return r.reply;
    step = await mech.step(r.data);
  }
}

export const auth = defineCommand<{ mechanism: string; initial?: string }>({
  name: 'AUTH',
  states: phases('ready'),
  wrongPhase: (phase) => sequenceError(phase, 'AUTH'),
  maxLine: AUTH_LINE,
  parse(args) {
    try {
      return parseAuthArgs(args);
    } catch (err) {
      if (err instanceof ArgumentError) throw reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, 'Syntax: AUTH mechanism [initial-response]');
      throw err;
    }
  },
  async handle(ctx, { mechanism, initial }) {
    const { state, deps, client, conn, settings, log } = ctx;
    if (state.account) return reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, 'Error: already authenticated');
    if (!state.helo?.esmtp) return reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, 'Error: send EHLO first');
    const offered = authMechanisms(ctx);
    if (offered.length === 0) {
      if (deps.sasl && canStartTls(ctx)) return reply(Reply.EncryptionRequiredForMech, Enhanced.EncryptionRequiredForMech, 'Encryption required for requested authentication mechanism');
      return reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, 'Error: authentication not enabled');
    }
    if (!offered.includes(mechanism)) return reply(Reply.ParamNotImplemented, Enhanced.InvalidParams, 'Unrecognized authentication type');
    let initialData: Buffer | undefined;
    if (initial !== undefined) {
      initialData = initial === '=' ? Buffer.alloc(0) : decodeBase64(initial);
      if (!initialData) return badBase64();
    }
    const gate = await deps.loginGate?.check(client.ip);
    if (gate && !gate.allowed) {
      log.info({ mechanism, retryAfterMs: gate.retryAfterMs }, 'AUTH refused: too many failed logins');
      return reply(Reply.TempAuthFailure, Enhanced.TempAuthFailure, 'Temporary authentication failure: too many failed logins, try again later');
    }
    const mech = deps.sasl?.create(mechanism, { ip: client.ip, tls: conn.isTls, loopback: client.loopback, allowInsecure: settings.allowInsecureAuth });
    if (!mech) return reply(Reply.ParamNotImplemented, Enhanced.InvalidParams, 'Unrecognized authentication type');
    const outcome = await converse(ctx, mech, initialData);
    if (!('kind' in outcome)) return outcome; // cancelled or unreadable: the exchange is over, not a failed login
    if (outcome.kind === 'success') {
      const account = outcome.authzid || outcome.authcid;
      state.authenticated(account);
      await deps.loginGate?.record(client.ip, { ok: true, mechanism, authcid: outcome.authcid });
      log.info({ mechanism, account }, 'authenticated');
      return reply(Reply.AuthSucceeded, Enhanced.AuthSucceeded, 'Authentication successful');
    }
    if (outcome.kind === 'challenge') throw new Error('unreachable: exchange ended on a challenge');
    if (outcome.temporary) {
      log.warn({ mechanism, reason: outcome.reason, detail: outcome.detail }, 'AUTH unavailable');
      return reply(Reply.TempAuthFailure, Enhanced.TempAuthFailure, 'Temporary authentication failure');
    }
    state.authFailures++;
    await deps.loginGate?.record(client.ip, { ok: false, mechanism });
    log.info({ mechanism, reason: outcome.reason, detail: outcome.detail, failures: state.authFailures }, 'AUTH failed');
    if (state.authFailures >= settings.authFailures) {
      return reply(Reply.ServiceNotAvailable, Enhanced.TempSecurityOther, `${settings.hostname} Error: too many failed authentications`);
    }
    if (outcome.reason === 'malformed') return reply(Reply.ParamSyntaxError, Enhanced.SyntaxError, 'Error: malformed authentication data');
    return reply(Reply.AuthFailed, Enhanced.BadCredentials, 'Error: authentication failed');
  },
  logArgs: ({ mechanism }) => ({ mechanism }),
});
