// RFC 9051 §6.3.5 DELETE mailbox: INBOX cannot be deleted; deleting the selected mailbox closes it.
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';

export const deleteMailbox: CommandModule<'DELETE'> = {
  name: 'DELETE',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    if (command.mailbox.toUpperCase() === 'INBOX') throw new ImapNo('CANNOT', 'INBOX cannot be deleted');
    await session.mail.deleteFolder(command.mailbox);
    if (session.selected && session.selected.name === command.mailbox) {
      await session.releaseSelected();
      await session.send({ type: 'untagged', status: 'OK', code: { code: 'CLOSED' }, text: 'Selected mailbox was deleted' });
    }
  },
};
