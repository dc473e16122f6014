// RFC 9051 §6.3.11 STATUS mailbox (items): MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT, plus
// HIGHESTMODSEQ (RFC 7162) and APPENDLIMIT (RFC 7889). Also used by LIST-STATUS (RFC 5819).
import type { MailFolder } from '@mail/maildir';
import type { CommandModule } from '../context.js';
import type { Response, StatusItemName } from '../protocol/index.js';
import type { Session } from '../session.js';

export async function statusOf(session: Session, folder: MailFolder, items: readonly StatusItemName[]): Promise<Response> {
  const s = await folder.status();
  let deleted = 0;
  if (items.includes('DELETED')) {
    const snap = await folder.snapshot();
    deleted = snap.messages.filter((m) => m.flags.includes('\\Deleted')).length;
  }
  const values: Record<StatusItemName, number> = {
    MESSAGES: s.exists,
    UIDNEXT: s.uidNext,
    UIDVALIDITY: s.uidValidity,
    UNSEEN: s.unseen,
    DELETED: deleted,
    SIZE: s.size,
    RECENT: s.recent,
    HIGHESTMODSEQ: s.highestModseq,
    APPENDLIMIT: session.settings.appendLimit,
  };
  return { type: 'STATUS', mailbox: folder.name, items: items.map((item) => ({ item, value: values[item] })) };
}

export const status: CommandModule<'STATUS'> = {
  name: 'STATUS',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    const folder = await session.mail.folder(command.mailbox);
    await session.send(await statusOf(session, folder, command.items));
  },
};
