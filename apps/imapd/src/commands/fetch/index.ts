// RFC 9051 §6.4.5 FETCH / §6.4.9 UID FETCH sequence-set items [(CHANGEDSINCE n)] (RFC 7162): FLAGS, INTERNALDATE,
// RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE, BODY[section]<partial> and BODY.PEEK, RFC822*, UID, MODSEQ,
// BINARY[]/BINARY.PEEK/BINARY.SIZE (RFC 3516). Non-PEEK body fetches set \Seen (and report FLAGS).
import { MessageNotFoundError } from '@mail/maildir';
import type { CommandModule } from '../../context.js';
import { ImapNo } from '../../errors.js';
import type { FetchAttribute, FetchResponseItem } from '../../protocol/index.js';
import type { SelectedMailbox } from '../../selected.js';
import type { Session } from '../../session.js';
import { bodyWire, envelopeWire, messageHeader, messageStructure, type CachedMessage } from './cache.js';
import { applyPartial, binaryContent, isTopHeader, sectionContent, topHeaderContent, wholeMessage } from './content.js';

const SETS_SEEN = (a: FetchAttribute): boolean => (a.kind === 'BODY[]' || a.kind === 'BINARY[]' ? !a.peek : a.kind === 'RFC822' || a.kind === 'RFC822.TEXT');

async function itemsFor(session: Session, sel: SelectedMailbox, uid: number, attributes: readonly FetchAttribute[], withUid: boolean, flagsToo: boolean): Promise<FetchResponseItem[]> {
  const view = sel.messages.get(uid);
  if (!view) throw new MessageNotFoundError(sel.name, uid);
  const folder = sel.folder;
  let m: CachedMessage | undefined;
  const structure = async (): Promise<CachedMessage> => (m ??= await messageStructure(folder, sel.uidValidity, uid));
  const items: FetchResponseItem[] = [];
  if (withUid) items.push({ item: 'UID', uid });
  for (const a of attributes) {
    switch (a.kind) {
      case 'UID':
        if (!withUid) items.push({ item: 'UID', uid });
        break;
      case 'FLAGS':
        items.push({ item: 'FLAGS', flags: sel.withRecent(uid, view.flags) });
        break;
      case 'MODSEQ':
        items.push({ item: 'MODSEQ', modseq: view.modseq });
        break;
      case 'INTERNALDATE':
        items.push({ item: 'INTERNALDATE', date: new Date(view.internalDate) });
        break;
      case 'RFC822.SIZE':
        items.push({ item: 'RFC822.SIZE', size: view.size });
        break;
      case 'ENVELOPE':
        items.push({ item: 'ENVELOPE', wire: envelopeWire(await structure()) });
        break;
      case 'BODY':
      case 'BODYSTRUCTURE':
        items.push({ item: a.kind, wire: bodyWire(await structure(), a.kind === 'BODYSTRUCTURE') });
        break;
      case 'RFC822':
        items.push({ item: 'RFC822', content: await wholeMessage(folder, uid, view.size) });
        break;
      case 'RFC822.HEADER':
      case 'RFC822.TEXT': {
        const section = { part: [], text: a.kind === 'RFC822.HEADER' ? ('HEADER' as const) : ('TEXT' as const), fields: [] };
        const content = section.text === 'HEADER' ? topHeaderContent(await messageHeader(folder, sel.uidValidity, uid), section) : await sectionContent(folder, uid, await structure(), section);
        items.push({ item: a.kind, content });
        break;
      }
      case 'BODY[]': {
        const whole = a.section.part.length === 0 && a.section.text === null;
        const origin = a.partial ? { origin: a.partial.offset } : {};
        if (whole && !a.partial) {
          items.push({ item: 'BODY[]', section: a.section, content: await wholeMessage(folder, uid, view.size) });
          break;
        }
        const data = isTopHeader(a.section) ? topHeaderContent(await messageHeader(folder, sel.uidValidity, uid), a.section) : await sectionContent(folder, uid, await structure(), a.section);
        items.push({ item: 'BODY[]', section: a.section, ...origin, content: applyPartial(data, a.partial) });
        break;
      }
      case 'BINARY[]': {
        const data = await binaryContent(folder, uid, await structure(), a.part);
        items.push({ item: 'BINARY[]', part: a.part, ...(a.partial ? { origin: a.partial.offset } : {}), content: applyPartial(data, a.partial) });
        break;
      }
      case 'BINARY.SIZE':
        items.push({ item: 'BINARY.SIZE', part: a.part, size: (await binaryContent(folder, uid, await structure(), a.part)).length });
        break;
    }
  }
  if (flagsToo && !attributes.some((a) => a.kind === 'FLAGS')) items.push({ item: 'FLAGS', flags: sel.withRecent(uid, view.flags) });
  return items;
}

export const fetch: CommandModule<'FETCH'> = {
  name: 'FETCH',
  states: ['Selected'],
  async handle(session, command) {
    const sel = session.selected;
    if (!sel) return;
    let attributes = command.attributes;
    if (command.changedSince !== null || attributes.some((a) => a.kind === 'MODSEQ')) session.enabled.add('CONDSTORE');
    if (command.changedSince !== null && !attributes.some((a) => a.kind === 'MODSEQ')) attributes = [...attributes, { kind: 'MODSEQ' }];
    let uids = sel.resolve(command.set, command.uid, session.savedFor(command.set));
    if (command.changedSince !== null) {
      const since = command.changedSince;
      uids = uids.filter((u) => (sel.messages.get(u)?.modseq ?? 0) > since);
    }
    const markSeen = !sel.readOnly && attributes.some(SETS_SEEN) ? uids.filter((u) => !sel.messages.get(u)?.flags.includes('\\Seen')) : [];
    const flagged = new Set<number>();
    if (markSeen.length > 0) {
      const result = await sel.folder.setFlags(markSeen, 'add', ['\\Seen']);
      for (const s of result.updated) {
        sel.noteFlags(s.uid, [...s.flags, ...s.keywords], s.modseq);
        flagged.add(s.uid);
      }
      sel.madeChange(result.change);
    }
    let vanished = false;
    for (const uid of uids) {
      const seq = sel.seqOf(uid);
      try {
        const items = await itemsFor(session, sel, uid, attributes, command.uid, flagged.has(uid));
        await session.send({ type: 'FETCH', seq, items });
      } catch (err) {
        if (!(err instanceof MessageNotFoundError)) throw err;
        vanished = true;
      }
    }
    if (vanished) throw new ImapNo('EXPUNGEISSUED', 'Some messages were expunged meanwhile');
  },
};
