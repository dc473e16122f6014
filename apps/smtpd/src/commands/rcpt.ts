// RFC 5321 §4.1.1.3 RCPT TO:<forward-path> [SP rcpt-parameters]: NOTIFY and ORCPT (RFC 3461). The relay decision
// (relay.ts) looks at the final address only; local recipients are verified now (550 5.1.1), not bounced later.
import type { Mailbox } from '../protocol/address.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { parseRcptArgs } from '../protocol/command.js';
import { parseRcptParams, type RcptParams } from '../protocol/params.js';
import { echo, reply } from '../protocol/reply.js';
import { decideRelay } from '../relay.js';
import { argumentReply } from './mail.js';
import { COMMAND_LINE, defineCommand, phases, sequenceError } from './types.js';

export interface RcptArgs {
  mailbox: Mailbox;
  route: string[];
  params: RcptParams;
  extended: boolean;
}

/** RFC 3461 §4 lengthens the RCPT line by 500 octets (NOTIFY, ORCPT). */
const RCPT_LINE = COMMAND_LINE + 500;

export const rcpt = defineCommand<RcptArgs>({
  name: 'RCPT',
  states: phases('mail', 'rcpt'),
  wrongPhase: (phase) => sequenceError(phase, 'RCPT'),
  maxLine: RCPT_LINE,
  parse(args, settings) {
    try {
      const { path, params } = parseRcptArgs(args, settings.hostname);
      return { mailbox: path.mailbox, route: path.route, params: parseRcptParams(params), extended: params.length > 0 };
    } catch (err) {
      throw argumentReply(err, 'RCPT');
    }
  },
  async handle(ctx, { mailbox, params, extended }) {
    const { state, settings, deps, client } = ctx;
    const tx = state.tx!;
    if (extended && !state.helo?.esmtp) return reply(Reply.ParamsNotRecognized, Enhanced.InvalidParams, 'Error: ESMTP parameters need EHLO');
    if (tx.recipients.length >= settings.recipients) {
      // Expected from bulk senders, who resend the rest later: not an error until far past the limit.
      return reply(Reply.InsufficientStorage, Enhanced.TooManyRecipients, 'Error: too many recipients', { countsAsError: tx.refused++ >= settings.recipients });
    }
    if (mailbox.utf8 && !tx.params.smtputf8) {
      tx.refused++;
      return reply(Reply.MailboxNameNotAllowed, Enhanced.NonAsciiAddressNotPermitted, 'Error: a non-ASCII address needs SMTPUTF8');
    }
    // This server's own name is always local (Postfix: mydestination = $myhostname), so postmaster@ it is too.
    const localDomain = mailbox.literal === undefined && (mailbox.domainAscii === settings.hostname.toLowerCase() || (await deps.recipients.isLocalDomain(mailbox.domainAscii)));
    const decision = decideRelay({ mailbox, localDomain, authenticated: state.account !== undefined, trustedNetwork: client.trusted });
    if (decision.kind === 'reject') {
      tx.refused++;
      return decision.reply;
    }
    if (decision.kind === 'local' && (await deps.recipients.resolve(mailbox.address)) === 'unknown') {
      tx.refused++;
      return reply(Reply.MailboxUnavailable, Enhanced.BadDestinationMailbox, `<${echo(mailbox.address)}>: Recipient address rejected: User unknown`);
    }
    // The same recipient twice is accepted once (Postfix's duplicate filter).
    const key = mailbox.address.toLowerCase();
    if (!tx.recipients.some((r) => r.address.toLowerCase() === key)) {
      tx.recipients.push({ address: mailbox.address, local: decision.kind === 'local', ...params });
    }
    return reply(Reply.Ok, Enhanced.DestinationOk, 'Ok');
  },
  logArgs: ({ mailbox, route }) => ({ to: mailbox.address, ...(route.length ? { route } : {}) }),
});
