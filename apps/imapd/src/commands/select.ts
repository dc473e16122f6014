// RFC 9051 §6.3.2 SELECT and §6.3.3 EXAMINE mailbox [(CONDSTORE)]: FLAGS, EXISTS, RECENT (IMAP4rev1), UIDVALIDITY,
// UIDNEXT, PERMANENTFLAGS, HIGHESTMODSEQ (RFC 7162), then READ-WRITE or READ-ONLY. A failed SELECT leaves no
// mailbox selected; switching mailboxes sends [CLOSED] first (RFC 7162 §3.2.11, RFC 9051).
import type { CommandModule } from '../context.js';
import { ImapBad } from '../errors.js';
import { SelectedMailbox } from '../selected.js';
import type { Session } from '../session.js';

async function open(session: Session, name: string, readOnly: boolean, condstore: boolean, qresync: boolean): Promise<{ code: { code: 'READ-ONLY' | 'READ-WRITE' } }> {
  if (qresync) throw new ImapBad(null, 'QRESYNC is not supported');
  if (session.selected) {
    await session.releaseSelected();
    await session.send({ type: 'untagged', status: 'OK', code: { code: 'CLOSED' }, text: 'Previous mailbox closed' });
  }
  if (condstore) session.enabled.add('CONDSTORE');
  const mailbox = session.mailbox;
  if (!mailbox) throw new Error('no mailbox after login');
  const changes = session.changeCount;
  const sel = await SelectedMailbox.open(mailbox, name, readOnly);
  const firstUnseen = sel.uids.findIndex((u) => !sel.messages.get(u)?.flags.includes('\\Seen'));
  await session.send({ type: 'FLAGS', flags: sel.flagList() });
  await session.send({ type: 'EXISTS', count: sel.exists });
  await session.send({ type: 'RECENT', count: sel.recent.size });
  if (!session.rev2 && firstUnseen >= 0) await session.send({ type: 'untagged', status: 'OK', code: { code: 'UNSEEN', value: firstUnseen + 1 }, text: 'First unseen' });
  await session.send({ type: 'untagged', status: 'OK', code: { code: 'UIDVALIDITY', value: sel.uidValidity }, text: 'UIDs valid' });
  await session.send({ type: 'untagged', status: 'OK', code: { code: 'UIDNEXT', value: sel.uidNext }, text: 'Predicted next UID' });
  const permanent = readOnly ? [] : [...sel.flagList(), '\\*'];
  await session.send({ type: 'untagged', status: 'OK', code: { code: 'PERMANENTFLAGS', flags: permanent }, text: readOnly ? 'No permanent flags permitted' : 'Flags permitted' });
  await session.send({ type: 'untagged', status: 'OK', code: { code: 'HIGHESTMODSEQ', value: sel.highestModseq }, text: 'Highest' });
  if (session.rev2) {
    // RFC 9051 §6.3.2: the LIST response carries the mailbox's accurate attributes.
    const info = /[*%]/.test(sel.name) ? undefined : (await mailbox.listFolders('', sel.name)).find((f) => f.name === sel.name);
    const attributes = (info?.attributes ?? []).filter((a) => a !== '\\Subscribed');
    await session.send({ type: 'LIST', attributes, delimiter: session.delimiter, mailbox: sel.name });
  }
  session.selected = sel;
  session.state = 'Selected';
  // A change that arrived while the snapshot was taken found no selected mailbox: look once more.
  if (session.changeCount !== changes) sel.dirty = true;
  return { code: { code: readOnly ? 'READ-ONLY' : 'READ-WRITE' } };
}

export const select: CommandModule<'SELECT'> = {
  name: 'SELECT',
  states: ['Auth', 'Selected'],
  handle: (session, c) => open(session, c.mailbox, false, c.condstore, c.qresync !== null),
};

export const examine: CommandModule<'EXAMINE'> = {
  name: 'EXAMINE',
  states: ['Auth', 'Selected'],
  handle: (session, c) => open(session, c.mailbox, true, c.condstore, c.qresync !== null),
};
