// RFC 5321 §4.1.1.2 MAIL FROM:<reverse-path> [SP mail-parameters]: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030),
// SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461), AUTH (RFC 4954 §5). Submission requires AUTH first, and an
// authenticated user may only send as their own addresses (Postfix reject_sender_login_mismatch).
import { isNullPath, type Mailbox } from '../protocol/address.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { ArgumentError, parseMailArgs } from '../protocol/command.js';
import { ParamError, parseMailParams, type MailParams } from '../protocol/params.js';
import { echo, reply } from '../protocol/reply.js';
import { COMMAND_LINE, defineCommand, phases, sequenceError } from './types.js';
import type { SmtpReply } from '../protocol/reply.js';

export interface MailArgs {
  /** undefined for the null sender `<>`. */
  mailbox: Mailbox | undefined;
  params: MailParams;
  /** Whether any ESMTP parameter was given. */
  extended: boolean;
}

/** Maps parser errors of MAIL and RCPT to replies (Postfix wording). */
export function argumentReply(err: unknown, verb: 'MAIL' | 'RCPT'): SmtpReply {
  if (err instanceof ParamError) return argumentReply(new ArgumentError(err.kind === 'unknown' ? 'param-unknown' : 'param-syntax', err.message), verb);
  if (!(err instanceof ArgumentError)) throw err;
  switch (err.kind) {
    case 'syntax':
      return reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, verb === 'MAIL' ? 'Syntax: MAIL FROM:<address>' : 'Syntax: RCPT TO:<address>');
    case 'address':
      return verb === 'MAIL'
        ? reply(Reply.ParamSyntaxError, Enhanced.BadSenderSyntax, `Bad sender address syntax (${err.message})`)
        : reply(Reply.ParamSyntaxError, Enhanced.BadDestinationSyntax, `Bad recipient address syntax (${err.message})`);
    case 'param-syntax':
      return reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, `Bad parameter: ${echo(err.message)}`);
    case 'param-unknown':
      return reply(Reply.ParamsNotRecognized, Enhanced.InvalidParams, `Unsupported option: ${echo(err.message)}`);
  }
}

/** RFC 1870, 6152, 3461, 4954, 6531 each lengthen the MAIL line: 26 + 16 + 100 + 500 + 10 octets. */
const MAIL_LINE = COMMAND_LINE + 26 + 16 + 100 + 500 + 10;

export const mail = defineCommand<MailArgs>({
  name: 'MAIL',
  states: phases('ready'),
  wrongPhase: (phase) => sequenceError(phase, 'MAIL'),
  maxLine: MAIL_LINE,
  parse(args) {
    try {
      const { path, params } = parseMailArgs(args);
      return { mailbox: isNullPath(path) ? undefined : path.mailbox, params: parseMailParams(params), extended: params.length > 0 };
    } catch (err) {
      throw argumentReply(err, 'MAIL');
    }
  },
  async handle(ctx, { mailbox, params, extended }) {
    const { state, settings, deps } = ctx;
    if (extended && !state.helo?.esmtp) return reply(Reply.ParamsNotRecognized, Enhanced.InvalidParams, 'Error: ESMTP parameters need EHLO');
    if (settings.mode !== 'mx' && !state.account) return reply(Reply.AuthRequired, Enhanced.AuthRequired, 'Authentication required');
    if (params.size !== undefined && params.size > settings.messageSize) {
      return reply(Reply.ExceededStorage, Enhanced.MessageTooBig, 'Message size exceeds fixed maximum message size');
    }
    if (mailbox?.utf8 && !params.smtputf8) {
      return reply(Reply.MailboxNameNotAllowed, Enhanced.NonAsciiAddressNotPermitted, 'Error: a non-ASCII address needs SMTPUTF8');
    }
    if (state.account && mailbox && !(await deps.recipients.ownsSender(state.account, mailbox.address))) {
      return reply(Reply.MailboxNameNotAllowed, Enhanced.DeliveryNotAuthorized, `<${echo(mailbox.address)}>: Sender address rejected: not owned by user ${echo(state.account)}`);
    }
    state.begin({ id: deps.newQueueId(), from: mailbox?.address ?? '', params, recipients: [], refused: 0 });
    return reply(Reply.Ok, Enhanced.SenderOk, 'Ok');
  },
  logArgs: ({ mailbox, params }) => ({ from: mailbox?.address ?? '<>', size: params.size, body: params.body }),
});
