// RFC 5321 §4.1.1.7 EXPN string: lists an alias's targets. Off unless smtpd.expn is set (it discloses addresses).
import { AddressSyntaxError, parseMailbox, parsePathOnly } from '../protocol/address.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { echo, reply } from '../protocol/reply.js';
import { defineCommand, OUTSIDE_BDAT } from './types.js';

export const expn = defineCommand<string>({
  name: 'EXPN',
  states: OUTSIDE_BDAT,
  junk: true,
  parse(args) {
    const text = args.trim();
    if (text === '') throw reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, 'Syntax: EXPN address');
    return text;
  },
  async handle(ctx, text) {
    const expand = ctx.deps.recipients.expand?.bind(ctx.deps.recipients);
    if (!ctx.settings.expn || !expand) return reply(Reply.NotImplemented, Enhanced.BadCommandOrSequence, 'EXPN command is disabled');
    let address: string;
    try {
      const p = text.startsWith('<') ? parsePathOnly(text) : { mailbox: parseMailbox(text) };
      if (!('mailbox' in p)) throw new AddressSyntaxError('empty');
      address = p.mailbox.address;
    } catch (err) {
      if (err instanceof AddressSyntaxError) return reply(Reply.ParamSyntaxError, Enhanced.BadDestinationSyntax, 'Bad address syntax');
      throw err;
    }
    const targets = await expand(address);
    if (!targets || targets.length === 0) return reply(Reply.MailboxUnavailable, Enhanced.BadDestinationMailbox, `<${echo(address)}>: not a mailing list or alias`);
    return reply(Reply.Ok, Enhanced.Ok, targets.map((t) => `<${echo(t)}>`));
  },
});
