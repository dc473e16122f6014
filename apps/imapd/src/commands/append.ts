// RFC 9051 §6.3.12 APPEND mailbox [(flags)] [date-time] literal, with RFC 3502 MULTIAPPEND (several messages in one
// command, all stored or none): the literals arrive buffered or spooled to disk (session.ts); every message is
// checked before any is stored, and when storing one fails, those stored before it are removed again before the
// NO. RFC 4315 APPENDUID on success, RFC 7889 APPENDLIMIT (TOOBIG), TRYCREATE for a missing mailbox.
import { MailboxNotFoundError, type MailFolder, type MessageSource } from '@mail/maildir';
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';

export const append: CommandModule<'APPEND'> = {
  name: 'APPEND',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    let folder: MailFolder;
    try {
      folder = await session.mail.folder(command.mailbox);
    } catch (err) {
      if (err instanceof MailboxNotFoundError) throw new ImapNo('TRYCREATE', 'Mailbox does not exist');
      throw err;
    }
    for (const message of command.messages) {
      const size = message.content.kind === 'buffer' ? message.content.data.length : message.content.size;
      if (size > session.settings.appendLimit) throw new ImapNo('TOOBIG', 'Message too large');
      if (size === 0) throw new ImapNo(null, 'Empty message');
    }
    const uids: number[] = [];
    let uidValidity = 0;
    try {
      for (const message of command.messages) {
        const source: MessageSource = message.content.kind === 'buffer' ? message.content.data : session.spool.open(message.content.index);
        const result = await folder.append(source, { flags: message.flags, ...(message.date ? { internalDate: message.date } : {}) });
        uids.push(result.uid);
        uidValidity = result.uidValidity;
      }
    } catch (err) {
      if (uids.length > 0) {
        await folder.expunge(uids).catch((undo: unknown) => session.log.error({ err: undo, uids }, 'APPEND: could not remove the messages stored before a failure'));
      }
      throw err;
    } finally {
      if (uids.length > 0 && session.selected && session.selected.name === folder.name) session.selected.dirty = true;
    }
    return { code: { code: 'APPENDUID', uidValidity, uids }, text: 'Append completed' };
  },
};
