// RFC 9208 QUOTA: GETQUOTAROOT mailbox and GETQUOTA root over the account's Maildir++ quota (one root, "", for
// the whole account; STORAGE in units of 1024 octets, MESSAGE in messages). Limits are set by the administrator:
// SETQUOTA is refused.
import type { QuotaUsage } from '@mail/maildir';
import type { CommandModule } from '../context.js';
import { ImapNo } from '../errors.js';
import type { QuotaResource } from '../protocol/index.js';

function resources(q: QuotaUsage): QuotaResource[] {
  const out: QuotaResource[] = [];
  if (q.limits.storage) out.push({ name: 'STORAGE', usage: Math.ceil(q.storage / 1024), limit: Math.floor(q.limits.storage / 1024) });
  if (q.limits.messages) out.push({ name: 'MESSAGE', usage: q.messages, limit: q.limits.messages });
  return out;
}

export const getquotaroot: CommandModule<'GETQUOTAROOT'> = {
  name: 'GETQUOTAROOT',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    const folder = await session.mail.folder(command.mailbox);
    const list = resources(await session.mail.quota());
    await session.send({ type: 'QUOTAROOT', mailbox: folder.name, roots: list.length > 0 ? [''] : [] });
    if (list.length > 0) await session.send({ type: 'QUOTA', root: '', resources: list });
  },
};

export const getquota: CommandModule<'GETQUOTA'> = {
  name: 'GETQUOTA',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    const list = command.root === '' ? resources(await session.mail.quota()) : [];
    if (list.length === 0) throw new ImapNo('NONEXISTENT', 'No such quota root');
    await session.send({ type: 'QUOTA', root: '', resources: list });
  },
};

export const setquota: CommandModule<'SETQUOTA'> = {
  name: 'SETQUOTA',
  states: ['Auth', 'Selected'],
  async handle() {
    throw new ImapNo('NOPERM', 'Quotas are set by the administrator');
  },
};
