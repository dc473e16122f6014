// RFC 9051 §6.3.4 CREATE mailbox: a trailing hierarchy delimiter is dropped (it only declares intent to hold
// children); existing names get NO [ALREADYEXISTS]. CREATE-SPECIAL-USE (RFC 6154 USE) is not offered.
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';

export const create: CommandModule<'CREATE'> = {
  name: 'CREATE',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    if (command.specialUse.length > 0) throw new ImapNo('CANNOT', 'Special-use attributes cannot be set on new mailboxes');
    const d = session.delimiter;
    let name = command.mailbox;
    while (name.length > 1 && name.endsWith(d)) name = name.slice(0, -1);
    if (name.toUpperCase() === 'INBOX') throw new ImapNo('ALREADYEXISTS', 'Mailbox already exists');
    await session.mail.createFolder(name);
  },
};
