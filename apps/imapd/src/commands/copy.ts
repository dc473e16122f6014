// RFC 9051 §6.4.7 COPY and RFC 6851 MOVE (and their UID forms) with RFC 4315 COPYUID; MOVE reports the moved
// messages as expunged. A missing destination is NO [TRYCREATE].
import { MailboxNotFoundError, type CopyResult } from '@mail/maildir';
import type { CommandModule, CommandOf } from '../context.js';
import { ImapNo } from '../errors.js';
import type { Session } from '../session.js';

async function transfer(session: Session, command: CommandOf<'COPY'> | CommandOf<'MOVE'>, move: boolean) {
  const sel = session.selected;
  if (!sel) return;
  if (move && sel.readOnly) throw new ImapNo('READ-ONLY', 'Mailbox is read-only');
  const uids = sel.resolve(command.set, command.uid, session.savedFor(command.set));
  // The destination must exist even when there is nothing to copy.
  try {
    await session.mail.folder(command.mailbox);
  } catch (err) {
    if (err instanceof MailboxNotFoundError) throw new ImapNo('TRYCREATE', 'Mailbox does not exist');
    throw err;
  }
  if (uids.length === 0) return { text: 'No messages' };
  let result: CopyResult;
  try {
    result = move ? await sel.folder.move(uids, command.mailbox) : await sel.folder.copy(uids, command.mailbox);
  } catch (err) {
    if (err instanceof MailboxNotFoundError && err.mailbox !== sel.name) throw new ImapNo('TRYCREATE', 'Mailbox does not exist');
    throw err;
  }
  const code = { code: 'COPYUID' as const, uidValidity: result.uidValidity, source: result.mapping.map(([s]) => s), destination: result.mapping.map(([, d]) => d) };
  if (!move) return { code, text: 'Copy completed' };
  await session.send({ type: 'untagged', status: 'OK', code, text: 'Moved' });
  for (const seq of sel.removeUids(result.mapping.map(([s]) => s))) await session.send({ type: 'EXPUNGE', seq });
  return { text: 'Move completed' };
}

export const copy: CommandModule<'COPY'> = {
  name: 'COPY',
  states: ['Selected'],
  handle: (session, command) => transfer(session, command, false),
};

export const move: CommandModule<'MOVE'> = {
  name: 'MOVE',
  states: ['Selected'],
  handle: (session, command) => transfer(session, command, true),
};
