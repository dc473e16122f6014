// RFC 9051 §6.3.6 RENAME existing new: children move along; renaming INBOX moves its messages to the new
// folder and leaves INBOX empty (done by the store).
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';

export const rename: CommandModule<'RENAME'> = {
  name: 'RENAME',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    if (command.to.toUpperCase() === 'INBOX') throw new ImapNo('ALREADYEXISTS', 'INBOX already exists');
    await session.mail.renameFolder(command.from, command.to);
    if (session.selected && session.selected.name === command.from && command.from !== 'INBOX') {
      await session.releaseSelected();
      await session.send({ type: 'untagged', status: 'OK', code: { code: 'CLOSED' }, text: 'Selected mailbox was renamed' });
    }
  },
};
