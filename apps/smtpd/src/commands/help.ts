// RFC 5321 §4.1.1.8 HELP [SP String]: the commands this server knows.
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply } from '../protocol/reply.js';
import { defineCommand, OUTSIDE_BDAT } from './types.js';

export const help = defineCommand<void>({
  name: 'HELP',
  states: OUTSIDE_BDAT,
  junk: true,
  parse: () => undefined,
  async handle() {
    return reply(Reply.HelpMessage, Enhanced.Ok, [
      'Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY EXPN HELP STARTTLS AUTH',
      'See RFC 5321, RFC 3030 (BDAT), RFC 3207 (STARTTLS), RFC 4954 (AUTH)',
    ]);
  },
});
