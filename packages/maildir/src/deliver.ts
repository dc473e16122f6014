// Local delivery for the mda: target folder resolution, quota as a result, and idempotency through the dedupe record.
import { join } from 'node:path';
import type { DeliverOptions, DeliverResult, MessageSource } from './api.js';
import { dedupeHash, type DedupeEntry, type DedupeIndex } from './dedupe.js';
import { MailboxExistsError, MailboxNameError, MailboxNoSelectError, MailboxNotFoundError, QuotaExceededError } from './errors.js';
import { discardPrepared, prepareMessage, storePreparedBatch, type PreparedMessage } from './folder-append.js';
import { folderDirName, folderNameFromDir } from './folder-names.js';
import type { FolderHandle, FolderRef, StoreServices } from './internal.js';
import type { MaildirMailbox } from './mailbox.js';
import { keepFresh } from './lock.js';
import { withKey } from './mutex.js';
import type { QuotaLimits, QuotaUsage } from './quota.js';

export interface DeliverContext {
  services: StoreServices;
  mailbox(account: string): Promise<MaildirMailbox>;
  dedupe(root: string): DedupeIndex;
  /** The store's batching of deliveries per account. */
  queue: DeliveryQueue;
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

/** A prepared delivery waiting for its turn at the account's dedupe lock. */
interface Waiting {
  ref: FolderRef;
  handle: FolderHandle;
  prepared: PreparedMessage;
  limits: QuotaLimits | undefined;
  hash: string | undefined;
  resolve(result: DeliverResult): void;
  reject(err: unknown): void;
}

/** Deliveries stored under one hold of the locks at most. */
const MAX_BATCH = 64;

/**
 * Group commit of deliveries to one account: every delivery writes its message to tmp/ on its own, then
 * joins the account's queue; whoever finds no batch running takes the dedupe lock once for all the
 * deliveries waiting, and each folder gets them under one uidlist lock with one fsync per directory, one
 * dedupe append before and one after. Under load the cost of the locked section is shared by the batch;
 * alone, a delivery is a batch of one.
 */
export class DeliveryQueue {
  private readonly waiting = new Map<string, Waiting[]>();

  /** Queues a delivery for `root`; it settles when its batch is stored. */
  submit(ctx: DeliverContext, root: string, item: Omit<Waiting, 'resolve' | 'reject'>): Promise<DeliverResult> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(root);
      if (queue) {
        queue.push({ ...item, resolve, reject });
        return;
      }
      this.waiting.set(root, [{ ...item, resolve, reject }]);
      void this.drain(ctx, root);
    });
  }

  private async drain(ctx: DeliverContext, root: string): Promise<void> {
    for (;;) {
      const queue = this.waiting.get(root) ?? [];
      const batch = queue.splice(0, MAX_BATCH);
      if (batch.length === 0) {
        this.waiting.delete(root);
        return;
      }
      try {
        await storeBatch(ctx, root, batch);
      } catch (err) {
        for (const item of batch) {
          await discardPrepared(item.prepared);
          item.reject(err);
        }
      }
    }
  }
}

function overQuotaResult(err: QuotaExceededError, limits: QuotaLimits | undefined): DeliverResult {
  const usage = (err as QuotaExceededError & { quota?: QuotaUsage }).quota ?? { storage: 0, messages: 0, limits: limits ?? {} };
  return { status: 'over-quota', resource: err.resource, usage };
}

/** Stores one batch of an account's deliveries (the dedupe lock held when any has a key); settles each item. */
async function storeBatch(ctx: DeliverContext, root: string, batch: Waiting[]): Promise<void> {
  const dedupe = batch.some((item) => item.hash !== undefined) ? ctx.dedupe(root) : undefined;
  const lock = dedupe ? await dedupe.lock(ctx.services.lockStaleMs) : undefined;
  const stop = lock ? keepFresh(lock, ctx.services.lockStaleMs) : () => undefined;
  try {
    await dedupe?.refresh();
    const fresh: Waiting[] = [];
    /** Later items of the batch with the key of an earlier one: they get its outcome. */
    const sameKey = new Map<string, Waiting[]>();
    const done: string[] = [];
    for (const item of batch) {
      if (item.hash === undefined || !dedupe) {
        fresh.push(item);
        continue;
      }
      const twins = sameKey.get(item.hash);
      if (twins) {
        twins.push(item);
        continue;
      }
      const earlier = dedupe.lookup(item.hash);
      if (earlier) {
        const uid = await findEarlier(ctx.services, root, earlier);
        if (earlier.state === 'done' || uid) {
          await discardPrepared(item.prepared);
          if (earlier.state !== 'done') done.push(item.hash);
          const folder = earlier.folderDir === '' ? 'INBOX' : (folderNameFromDir(earlier.folderDir, ctx.services.separator) ?? item.ref.name);
          item.resolve(uid ? { status: 'duplicate', folder, uid } : { status: 'duplicate', folder });
          continue;
        }
        // pending without a file: the earlier attempt never published its message
      }
      sameKey.set(item.hash, []);
      fresh.push(item);
    }
    const byFolder = new Map<string, Waiting[]>();
    for (const item of fresh) {
      const group = byFolder.get(item.ref.path);
      if (group) group.push(item);
      else byFolder.set(item.ref.path, [item]);
    }
    for (const group of byFolder.values()) {
      // Every item of a group goes to the same folder of the same account; the limits are the account's.
      const first = group[0] as Waiting;
      // The P lines are synced alongside the folder's own syncs (see DedupeIndex), and waited for below.
      let pendingSynced: Promise<void> = Promise.resolve();
      const outcomes = await storePreparedBatch(first.handle, group.map((item) => item.prepared), ctx.services, {
        enforceQuota: true,
        ...(first.limits ? { quota: first.limits } : {}),
        ...(dedupe
          ? {
              beforePublish: async (bases: string[]) => {
                const keyed = group.filter((item) => item.hash !== undefined && bases.includes(item.prepared.base));
                await dedupe.markPending(keyed.map((item) => ({ hash: item.hash as string, folderDir: folderDirName(item.ref.name, ctx.services.separator), base: item.prepared.base })), false);
                pendingSynced = dedupe.sync();
                pendingSynced.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
              },
            }
          : {}),
      });
      await pendingSynced;
      for (const [i, item] of group.entries()) {
        const outcome = outcomes[i];
        let result: DeliverResult | undefined;
        let error: unknown;
        if (outcome?.ok) {
          result = { status: 'delivered', folder: item.ref.name, uid: outcome.stored.uid, uidValidity: outcome.stored.uidValidity, change: outcome.stored.change };
          if (item.hash !== undefined) done.push(item.hash);
        } else if (outcome?.error instanceof QuotaExceededError) {
          result = overQuotaResult(outcome.error, item.limits);
        } else {
          error = outcome?.error;
        }
        const twins = item.hash === undefined ? [] : (sameKey.get(item.hash) ?? []);
        for (const twin of twins) await discardPrepared(twin.prepared);
        if (result) {
          item.resolve(result);
          const same: DeliverResult = result.status === 'delivered' ? { status: 'duplicate', folder: result.folder, uid: result.uid } : result;
          for (const twin of twins) twin.resolve(same);
        } else {
          item.reject(error);
          for (const twin of twins) twin.reject(error);
        }
      }
    }
    if (dedupe) await dedupe.markDone(done);
  } finally {
    stop();
    await lock?.release();
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
  const hash = options.dedupeKey === undefined ? undefined : dedupeHash(options.dedupeKey);
  return ctx.queue.submit(ctx, ref.root, { ref, handle, prepared, limits, hash });
}
