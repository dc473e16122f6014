// Local delivery for the mda: target folder resolution, quota as a result, and idempotency through the dedupe record.
import { join } from 'node:path';
import type { DeliverOptions, DeliverResult, MessageSource } from './api.js';
import { dedupeHash, type DedupeEntry, type DedupeIndex } from './dedupe.js';
import { MailboxExistsError, MailboxNameError, MailboxNoSelectError, MailboxNotFoundError, QuotaExceededError } from './errors.js';
import { discardPrepared, prepareMessage, storePrepared } from './folder-append.js';
import { folderDirName, folderNameFromDir } from './folder-names.js';
import type { FolderRef, StoreServices } from './internal.js';
import type { MaildirMailbox } from './mailbox.js';
import { keepFresh } from './lock.js';
import { withKey } from './mutex.js';
import type { QuotaUsage } from './quota.js';

export interface DeliverContext {
  services: StoreServices;
  mailbox(account: string): Promise<MaildirMailbox>;
  dedupe(root: string): DedupeIndex;
  maxMessageSize?: number;
}

/** The folder a delivery goes to: the named one, created on request, else INBOX (like Dovecot's LDA). */
async function target(mailbox: MaildirMailbox, folder: string, create: boolean): Promise<FolderRef> {
  try {
    return await mailbox.locate(folder, 'deliver to');
  } catch (err) {
    if (!(err instanceof MailboxNotFoundError || err instanceof MailboxNoSelectError || err instanceof MailboxNameError)) throw err;
    if (create && !(err instanceof MailboxNameError)) {
      try {
        await mailbox.createFolder(folder);
      } catch (createErr) {
        if (!(createErr instanceof MailboxExistsError)) throw createErr;
      }
      return mailbox.locate(folder, 'deliver to');
    }
    return mailbox.locate('INBOX');
  }
}

/** The UID of an earlier delivery's file, if it is still there. */
async function findEarlier(services: StoreServices, root: string, entry: DedupeEntry): Promise<number | undefined | null> {
  const path = join(root, entry.folderDir);
  const index = services.index(root, path);
  try {
    return await withKey(`folder:${path}`, async () => {
      await index.sync();
      return index.byBaseName(entry.base)?.uid ?? null;
    });
  } catch (err) {
    if (err instanceof MailboxNotFoundError) return null;
    throw err;
  }
}

export async function deliverMessage(ctx: DeliverContext, account: string, folder: string, message: MessageSource, options: DeliverOptions = {}): Promise<DeliverResult> {
  const mailbox = await ctx.mailbox(account);
  const ref = await target(mailbox, folder, options.createFolder === true);
  const handle = ctx.services.open(ref);
  const limits = options.quota ?? (await ctx.services.limits(account));
  // The message is written before any lock is taken: a duplicate only costs the unlink.
  const prepared = await prepareMessage(handle, message, {
    ...(options.flags ? { flags: options.flags } : {}),
    ...(options.internalDate !== undefined ? { internalDate: options.internalDate } : {}),
    ...(ctx.maxMessageSize !== undefined ? { maxSize: ctx.maxMessageSize } : {}),
  });
  const store = async (beforePublish?: (base: string) => Promise<void>): Promise<DeliverResult> => {
    try {
      const stored = await storePrepared(handle, prepared, ctx.services, {
        enforceQuota: true,
        ...(limits ? { quota: limits } : {}),
        ...(beforePublish ? { beforePublish } : {}),
      });
      return { status: 'delivered', folder: ref.name, uid: stored.uid, uidValidity: stored.uidValidity, change: stored.change };
    } catch (err) {
      if (err instanceof QuotaExceededError) {
        const usage = (err as QuotaExceededError & { quota?: QuotaUsage }).quota ?? { storage: 0, messages: 0, limits: limits ?? {} };
        return { status: 'over-quota', resource: err.resource, usage };
      }
      throw err;
    }
  };
  if (options.dedupeKey === undefined) return store();

  const hash = dedupeHash(options.dedupeKey);
  const dedupe = ctx.dedupe(ref.root);
  let lock;
  try {
    lock = await dedupe.lock(ctx.services.lockStaleMs);
  } catch (err) {
    await discardPrepared(prepared);
    throw err;
  }
  const stop = keepFresh(lock, ctx.services.lockStaleMs);
  try {
    await dedupe.refresh();
    const earlier = dedupe.lookup(hash);
    if (earlier) {
      const uid = await findEarlier(ctx.services, ref.root, earlier);
      const earlierFolder = earlier.folderDir === '' ? 'INBOX' : (folderNameFromDir(earlier.folderDir, ctx.services.separator) ?? ref.name);
      if (earlier.state === 'done' || uid) {
        await discardPrepared(prepared);
        if (earlier.state !== 'done') await dedupe.markDone(hash);
        return uid ? { status: 'duplicate', folder: earlierFolder, uid } : { status: 'duplicate', folder: earlierFolder };
      }
      // pending without a file: the earlier attempt never published its message
    }
    const result = await store((base) => dedupe.markPending(hash, folderDirName(ref.name, ctx.services.separator), base));
    if (result.status === 'delivered') await dedupe.markDone(hash);
    return result;
  } catch (err) {
    await discardPrepared(prepared);
    throw err;
  } finally {
    stop();
    await lock.release();
  }
}
