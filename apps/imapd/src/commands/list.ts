// RFC 9051 §6.3.9 LIST with RFC 5258 LIST-EXTENDED (SUBSCRIBED, RECURSIVEMATCH, SPECIAL-USE selection; CHILDREN,
// SUBSCRIBED, SPECIAL-USE return), RFC 6154 special-use attributes, RFC 5819 LIST-STATUS; RFC 3501 §6.3.9 LSUB.
import type { FolderInfo } from '@mail/maildir';
import type { CommandModule } from '../context.js';
import type { Command, Response } from '../protocol/index.js';
import type { Session } from '../session.js';
import { statusOf } from './status.js';

type ListCommand = Extract<Command, { name: 'LIST' }>;

const SPECIAL = new Set(['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged']);

async function gather(session: Session, c: ListCommand): Promise<Map<string, FolderInfo>> {
  const found = new Map<string, FolderInfo>();
  for (const pattern of c.patterns) {
    for (const f of await session.mail.listFolders(c.reference, pattern, { subscribedOnly: c.selection.subscribed })) {
      // The store adds unsubscribed parents for LSUB's sake; LIST (SUBSCRIBED) reports those through CHILDINFO.
      if (c.selection.subscribed && !f.subscribed) continue;
      found.set(f.name, f);
    }
  }
  return found;
}

/** RECURSIVEMATCH: unsubscribed matches with subscribed descendants are listed with CHILDINFO ("SUBSCRIBED"). */
async function childInfo(session: Session, c: ListCommand, found: Map<string, FolderInfo>): Promise<Map<string, FolderInfo>> {
  const subscribed = (await session.mail.listFolders('', '*', { subscribedOnly: true })).map((f) => f.name);
  const d = session.delimiter;
  const parents = new Map<string, FolderInfo>();
  for (const pattern of c.patterns) {
    for (const f of await session.mail.listFolders(c.reference, pattern)) {
      if (found.has(f.name)) continue;
      if (subscribed.some((s) => s.startsWith(f.name + d))) parents.set(f.name, f);
    }
  }
  return parents;
}

export const list: CommandModule<'LIST'> = {
  name: 'LIST',
  states: ['Auth', 'Selected'],
  async handle(session, c) {
    const d = session.delimiter;
    if (c.patterns.length === 1 && c.patterns[0] === '' && !c.extended) {
      await session.send({ type: 'LIST', attributes: ['\\Noselect'], delimiter: d, mailbox: '' });
      return;
    }
    const found = await gather(session, c);
    const parents = c.selection.recursiveMatch ? await childInfo(session, c, found) : new Map<string, FolderInfo>();
    const showSubscribed = c.selection.subscribed || c.returns.subscribed;
    const out: Response[] = [];
    const entries = [...[...found.values()].map((f) => ({ f, child: false })), ...[...parents.values()].map((f) => ({ f, child: true }))];
    entries.sort((a, b) => (a.f.name === 'INBOX' ? -1 : b.f.name === 'INBOX' ? 1 : a.f.name < b.f.name ? -1 : a.f.name > b.f.name ? 1 : 0));
    for (const { f, child } of entries) {
      if (c.selection.specialUse && !f.specialUse) continue;
      const attributes = f.attributes.filter((a) => {
        if (a === '\\Subscribed') return showSubscribed && !child;
        if (a === '\\NonExistent') return c.extended;
        return true;
      });
      if (!f.selectable && c.extended && !attributes.includes('\\NonExistent') && !f.attributes.some((a) => a === '\\HasChildren')) attributes.push('\\NonExistent');
      const response: Response = { type: 'LIST', attributes, delimiter: d, mailbox: f.name, ...(child ? { childInfo: ['SUBSCRIBED'] } : {}) };
      out.push(response);
      if (c.returns.status && f.selectable) {
        try {
          out.push(await statusOf(session, await session.mail.folder(f.name), c.returns.status));
        } catch {
          // A folder that vanished between LIST and STATUS simply has no STATUS (RFC 5819 §2).
        }
      }
    }
    for (const r of out) await session.send(r);
  },
};

export const lsub: CommandModule<'LSUB'> = {
  name: 'LSUB',
  states: ['Auth', 'Selected'],
  async handle(session, c) {
    const d = session.delimiter;
    if (c.pattern === '') {
      await session.send({ type: 'LSUB', attributes: ['\\Noselect'], delimiter: d, mailbox: '' });
      return;
    }
    const found = await session.mail.listFolders(c.reference, c.pattern, { subscribedOnly: true });
    for (const f of found) {
      // An unsubscribed parent is listed (\Noselect) only when its subscribed children do not match themselves.
      if (!f.subscribed && found.some((g) => g.subscribed && g.name.startsWith(f.name + d))) continue;
      const attributes = f.selectable && f.subscribed ? f.attributes.filter((a) => SPECIAL.has(a)) : ['\\Noselect'];
      await session.send({ type: 'LSUB', attributes, delimiter: d, mailbox: f.name });
    }
  },
};
