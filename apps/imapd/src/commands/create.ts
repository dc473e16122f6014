// RFC 9051 §6.3.4 CREATE mailbox: a trailing hierarchy delimiter is dropped (it only declares intent to hold
// children); existing names get NO [ALREADYEXISTS]. RFC 6154 CREATE-SPECIAL-USE: `(USE (\Sent))` gives the new
// folder its special use; a use that is not supported, more than one, or one another folder has gets NO [USEATTR]
// and no folder is created (the store checks and records it).
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';

export const create: CommandModule<'CREATE'> = {
  name: 'CREATE',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    const d = session.delimiter;
    let name = command.mailbox;
    while (name.length > 1 && name.endsWith(d)) name = name.slice(0, -1);
    if (name.toUpperCase() === 'INBOX') throw new ImapNo('ALREADYEXISTS', 'Mailbox already exists');
    await session.mail.createFolder(name, command.specialUse.length > 0 ? { specialUse: command.specialUse } : {});
  },
};
