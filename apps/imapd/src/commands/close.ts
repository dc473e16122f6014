// RFC 9051 §6.4.1 CLOSE (silently expunges \Deleted messages unless read-only) and §6.4.2 UNSELECT (RFC 3691).
import type { CommandModule } from '../context.js';

export const close: CommandModule<'CLOSE'> = {
  name: 'CLOSE',
  states: ['Selected'],
  async handle(session) {
    const sel = session.selected;
    await session.releaseSelected();
    if (sel && !sel.readOnly) {
      const deleted = sel.uids.filter((u) => sel.messages.get(u)?.flags.includes('\\Deleted'));
      if (deleted.length > 0) await sel.folder.expunge(deleted, { onlyDeleted: true });
    }
  },
};

export const unselect: CommandModule<'UNSELECT'> = {
  name: 'UNSELECT',
  states: ['Selected'],
  async handle(session) {
    await session.releaseSelected();
  },
};
