// RFC 9051 §6.4.3 EXPUNGE and RFC 4315 UID EXPUNGE uid-set: removes \Deleted messages (only those in the set for
// UID EXPUNGE) and reports each with `* n EXPUNGE`.
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';

export const expunge: CommandModule<'EXPUNGE'> = {
  name: 'EXPUNGE',
  states: ['Selected'],
  async handle(session, command) {
    const sel = session.selected;
    if (!sel) return;
    if (sel.readOnly) throw new ImapNo('READ-ONLY', 'Mailbox is read-only');
    // \Deleted as the folder has it when the files are removed counts, whoever set it: the store looks at every
    // message this session knows (or the set names) and removes those that carry it at that moment.
    const candidates = command.uid ? sel.resolve(command.set, true, session.savedFor(command.set)) : sel.uids;
    if (candidates.length === 0) return;
    const result = await sel.folder.expunge(candidates, { onlyDeleted: true });
    for (const seq of sel.removeUids(result.expunged)) await session.send({ type: 'EXPUNGE', seq });
    sel.madeChange(result.change);
  },
};
