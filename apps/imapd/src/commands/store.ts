// RFC 9051 §6.4.6 STORE / UID STORE set (+|-)FLAGS[.SILENT] (flags) with RFC 7162 UNCHANGEDSINCE → [MODIFIED set].
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';
import type { FetchResponseItem } from '../protocol/index.js';

export const store: CommandModule<'STORE'> = {
  name: 'STORE',
  states: ['Selected'],
  async handle(session, command) {
    const sel = session.selected;
    if (!sel) return;
    if (sel.readOnly) throw new ImapNo('READ-ONLY', 'Mailbox is read-only');
    if (command.unchangedSince !== null) session.enabled.add('CONDSTORE');
    const uids = sel.resolve(command.set, command.uid, session.savedFor(command.set));
    // \Recent is the server's to set (RFC 3501 §2.3.2); clients that send it get it ignored, as Dovecot does.
    const flags = command.flags.filter((f) => f.toLowerCase() !== '\\recent');
    const result = await sel.folder.setFlags(uids, command.operation, flags, command.unchangedSince !== null ? { unchangedSince: command.unchangedSince } : {});
    for (const s of result.updated) sel.noteFlags(s.uid, [...s.flags, ...s.keywords], s.modseq);
    sel.madeChange(result.change);
    const modified = new Set(result.modified);
    const changed = new Set(result.updated.map((s) => s.uid));
    for (const uid of uids) {
      const view = sel.messages.get(uid);
      if (!view || modified.has(uid)) continue;
      if (command.silent && !(session.condstore && changed.has(uid))) continue;
      const items: FetchResponseItem[] = [];
      if (command.uid) items.push({ item: 'UID', uid });
      if (!command.silent) items.push({ item: 'FLAGS', flags: sel.withRecent(uid, view.flags) });
      if (session.condstore) items.push({ item: 'MODSEQ', modseq: view.modseq });
      await session.send({ type: 'FETCH', seq: sel.seqOf(uid), items });
    }
    if (modified.size > 0) {
      const ids = [...modified].map((u) => (command.uid ? u : sel.seqOf(u))).filter((n) => n > 0);
      return { code: { code: 'MODIFIED', set: ids }, text: 'Conditional STORE failed' };
    }
  },
};
