// Entering the TRANSACTION state (RFC 1939 §4): the mailbox lock, then the INBOX snapshot; typed errors for
// a mailbox in use ([IN-USE]) and for storage or lock trouble ([SYS/TEMP]).
import type { Account } from '@mail/auth';
import type { Logger } from '@mail/log';
import { Maildrop } from './maildrop.js';
import type { MailboxLock, Pop3Deps } from './ports.js';
import { RespCode } from './protocol/codes.js';
import { Pop3Error } from './protocol/reply.js';

export async function beginTransaction(deps: Pick<Pop3Deps, 'locks' | 'inboxes'>, account: Account, log: Logger): Promise<{ maildrop: Maildrop; lock: MailboxLock }> {
  let lock: MailboxLock | null;
  try {
    lock = await deps.locks.acquire(account);
  } catch (err) {
    log.error({ err, user: account.address }, 'cannot take the mailbox lock');
    throw new Pop3Error('Cannot lock the mailbox; try again later.', { code: RespCode.SysTemp });
  }
  if (!lock) {
    log.info({ user: account.address }, 'mailbox in use by another POP3 session');
    throw new Pop3Error('Mailbox is locked by another POP3 session.', { code: RespCode.InUse });
  }
  try {
    const folder = await deps.inboxes.open(account);
    return { maildrop: new Maildrop(folder, await folder.snapshot()), lock };
  } catch (err) {
    await lock.release();
    log.error({ err, user: account.address }, 'cannot open the mailbox');
    throw new Pop3Error('Cannot open the mailbox; try again later.', { code: RespCode.SysTemp });
  }
}
