// RFC 9051 §6.4.4 SEARCH / UID SEARCH [RETURN (MIN MAX ALL COUNT SAVE)] [CHARSET c] criteria: `* SEARCH` for
// IMAP4rev1 without RETURN, `* ESEARCH` (RFC 4731) otherwise; (MODSEQ n) when a MODSEQ key was used (RFC 7162).
import type { HeaderField } from '@mail/mime';
import type { CommandModule } from '../../context.js';
import type { SearchKey } from '../../protocol/index.js';
import type { SelectedMailbox } from '../../selected.js';
import { loadBody, loadHeader, matches } from './evaluate.js';

function usesModseq(keys: readonly SearchKey[]): boolean {
  return keys.some((k) => k.key === 'MODSEQ' || (k.key === 'NOT' && usesModseq([k.operand])) || (k.key === 'OR' && usesModseq([k.left, k.right])) || (k.key === 'AND' && usesModseq(k.operands)));
}

async function run(sel: SelectedMailbox, criteria: readonly SearchKey[], saved: readonly number[]): Promise<number[]> {
  const found: number[] = [];
  const now = Date.now();
  const maxUid = sel.uids[sel.uids.length - 1] ?? 0;
  for (let i = 0; i < sel.uids.length; i++) {
    const uid = sel.uids[i] as number;
    const view = sel.messages.get(uid);
    if (!view) continue;
    let header: Promise<HeaderField[]> | undefined;
    let body: Promise<string> | undefined;
    const ctx = {
      uid,
      seq: i + 1,
      view,
      recent: sel.recent.has(uid),
      maxUid,
      count: sel.uids.length,
      saved,
      now,
      header: () => (header ??= loadHeader(sel.folder, sel.uidValidity, uid)),
      body: () => (body ??= loadBody(sel.folder, sel.uidValidity, uid)),
    };
    let ok = true;
    for (const key of criteria) {
      if (!(await matches(key, ctx))) {
        ok = false;
        break;
      }
    }
    if (ok) found.push(uid);
  }
  return found;
}

export const search: CommandModule<'SEARCH'> = {
  name: 'SEARCH',
  states: ['Selected'],
  async handle(session, command) {
    const sel = session.selected;
    if (!sel) return;
    const modseq = usesModseq(command.criteria);
    if (modseq) session.enabled.add('CONDSTORE');
    const uids = await run(sel, command.criteria, session.saved);
    const ids = command.uid ? uids : uids.map((u) => sel.seqOf(u));
    const highest = modseq && uids.length > 0 ? Math.max(...uids.map((u) => sel.messages.get(u)?.modseq ?? 0)) : undefined;
    const r = command.returns;
    if (r === null && !session.rev2) {
      await session.send({ type: 'SEARCH', ids, ...(highest !== undefined ? { modseq: highest } : {}) });
      return;
    }
    const want = r ?? { min: false, max: false, all: true, count: false, save: false };
    if (want.save) session.saved = uids;
    const onlySave = want.save && !want.min && !want.max && !want.count && !want.all;
    if (onlySave) return;
    const all = !want.min && !want.max && !want.count ? true : want.all;
    await session.send({
      type: 'ESEARCH',
      tag: command.tag,
      uid: command.uid,
      ...(want.min && ids.length > 0 ? { min: Math.min(...ids) } : {}),
      ...(want.max && ids.length > 0 ? { max: Math.max(...ids) } : {}),
      ...(want.count ? { count: ids.length } : {}),
      ...(all && ids.length > 0 ? { all: ids } : {}),
      ...(highest !== undefined ? { modseq: highest } : {}),
    });
  },
};
