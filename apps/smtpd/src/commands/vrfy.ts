// RFC 5321 §4.1.1.6 VRFY string: off → 502; ambiguous (default) → 252 for everything, as RFC 5321 §3.5.3 allows,
// so that addresses cannot be harvested; on → checked against the directory for local domains.
import { AddressSyntaxError, parseMailbox, parsePathOnly } from '../protocol/address.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { echo, reply } from '../protocol/reply.js';
import { routingInLocalPart } from '../relay.js';
import { defineCommand, OUTSIDE_BDAT } from './types.js';

export const vrfy = defineCommand<string>({
  name: 'VRFY',
  states: OUTSIDE_BDAT,
  junk: true,
  parse(args) {
    const text = args.trim();
    if (text === '') throw reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, 'Syntax: VRFY address');
    return text;
  },
  async handle(ctx, text) {
    const { settings, deps } = ctx;
    if (settings.vrfy === 'off') return reply(Reply.NotImplemented, Enhanced.BadCommandOrSequence, 'VRFY command is disabled');
    const ambiguous = reply(Reply.CannotVerify, Enhanced.Ok, 'Cannot VRFY user, but will accept message and attempt delivery');
    if (settings.vrfy === 'ambiguous') return ambiguous;
    let mailbox;
    try {
      const p = text.startsWith('<') ? parsePathOnly(text) : { mailbox: parseMailbox(text) };
      if (!('mailbox' in p)) return ambiguous;
      mailbox = p.mailbox;
    } catch (err) {
      if (err instanceof AddressSyntaxError) return ambiguous;
      throw err;
    }
    if (mailbox.literal || routingInLocalPart(mailbox.localPart) || !(await deps.recipients.isLocalDomain(mailbox.domainAscii))) return ambiguous;
    if ((await deps.recipients.resolve(mailbox.address)) === 'unknown') {
      return reply(Reply.MailboxUnavailable, Enhanced.BadDestinationMailbox, `<${echo(mailbox.address)}>: Recipient address rejected: User unknown`);
    }
    return reply(Reply.Ok, Enhanced.Ok, `<${echo(mailbox.address)}>`);
  },
});
