// Messages entering a folder one at a time (APPEND, delivery): written to tmp/, checked against the quota, moved into new/ or cur/.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeRecord, MessageSource } from './api.js';
import { QuotaExceededError } from './errors.js';
import { generateBaseName, sortLetters } from './filename.js';
import { lettersOf, parseFlags, type FlagSet } from './flags.js';
import type { SubDir } from './folder-index.js';
import { fsyncDir, publishFile } from './fsutil.js';
import { changeOf, type FolderHandle, type StoreServices } from './internal.js';
import { writeMessageFile } from './message-input.js';
import { overQuota, type QuotaLimits, type QuotaUsage } from './quota.js';

/** The error for a write of `bytes` and `messages` that passes a limit of `usage`, or null when it fits. */
function quotaError(usage: QuotaUsage, bytes: number, messages: number): QuotaExceededError | null {
  const over = overQuota(usage, bytes, messages);
  if (!over) return null;
  const err = new QuotaExceededError(over, over === 'storage' ? usage.storage + bytes : usage.messages + messages, (over === 'storage' ? usage.limits.storage : usage.limits.messages) ?? 0);
  return Object.assign(err, { quota: usage });
}

/** Raises QuotaExceededError (with the usage as `quota`) when adding would pass a limit; null when no limit applies. */
export async function checkQuota(folder: FolderHandle, services: StoreServices, bytes: number, messages: number, limits?: QuotaLimits): Promise<QuotaUsage | null> {
  const effective = limits ?? (await services.limits(folder.ref.account));
  const usage = await services.quota(folder.ref.root).forCheck(effective);
  if (!usage) return null;
  const err = quotaError(usage, bytes, messages);
  if (err) throw err;
  return usage;
}

/** A message written to tmp/ and synced, not yet visible. */
export interface PreparedMessage {
  tmpPath: string;
  /** Final base name, with ",S=" and ",W=". */
  base: string;
  size: number;
  internalDate: number;
  flags: FlagSet;
}

export interface PrepareOptions {
  flags?: readonly string[];
  internalDate?: number | Date;
  maxSize?: number;
}

/** Writes the message to the folder's tmp/ (O_EXCL, fsync) with its internal date as mtime, as Dovecot does. */
export async function prepareMessage(folder: FolderHandle, message: MessageSource, options: PrepareOptions = {}): Promise<PreparedMessage> {
  const flags = parseFlags(options.flags ?? []);
  const date = options.internalDate instanceof Date ? options.internalDate.getTime() : options.internalDate;
  const internalDate = Math.floor(date !== undefined && Number.isFinite(date) ? date : Date.now());
  const tmpBase = generateBaseName({});
  const tmpPath = join(folder.ref.path, 'tmp', tmpBase);
  const sizes = await writeMessageFile(tmpPath, message, { mtime: internalDate, ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}) });
  return { tmpPath, base: `${tmpBase},S=${sizes.size},W=${sizes.vsize}`, size: sizes.size, internalDate, flags };
}

/** Removes a prepared message that will not be stored. */
export async function discardPrepared(prepared: Pick<PreparedMessage, 'tmpPath'>): Promise<void> {
  await unlink(prepared.tmpPath).catch(() => undefined);
}

export interface StoreOptions {
  enforceQuota: boolean;
  quota?: QuotaLimits;
  /** Called with the base names of the messages that passed the quota check, before any becomes visible. */
  beforePublish?: (bases: string[]) => Promise<void>;
}

export interface StoredMessage {
  uid: number;
  uidValidity: number;
  base: string;
  change: ChangeRecord;
}

/** What became of one message of a batch: stored, or the error that kept it out (its tmp/ file is gone). */
export type StoreOutcome = { ok: true; stored: StoredMessage } | { ok: false; error: unknown };

/**
 * Makes prepared messages visible, in order: into new/ without flags (so they are \Recent) or cur/ with
 * them, then gives them the next UIDs under one hold of the folder lock, with one fsync of each directory
 * and one uidlist append for the whole batch (group commit). No directory is read: like Dovecot's save,
 * only the uidlist tail is. A message over quota fails alone; any other failure fails the batch. The tmp/
 * file of every message that is not stored is removed.
 */
export async function storePreparedBatch(folder: FolderHandle, batch: readonly PreparedMessage[], services: StoreServices, options: StoreOptions): Promise<StoreOutcome[]> {
  const outcomes: Array<StoreOutcome | undefined> = new Array(batch.length);
  const accepted: number[] = [];
  let bytes = 0;
  try {
    const usage = options.enforceQuota ? await services.quota(folder.ref.root).forCheck(options.quota ?? (await services.limits(folder.ref.account))) : null;
    for (const [i, prepared] of batch.entries()) {
      const over = usage && quotaError(usage, bytes + prepared.size, accepted.length + 1);
      if (over) {
        outcomes[i] = { ok: false, error: over };
        await discardPrepared(prepared);
        continue;
      }
      accepted.push(i);
      bytes += prepared.size;
    }
    if (accepted.length === 0) return outcomes as StoreOutcome[];
    const items = accepted.map((i) => batch[i] as PreparedMessage);
    if (options.beforePublish) await options.beforePublish(items.map((p) => p.base));
    const uids = await folder.exclusive(() => folder.index.locked(() => publish(folder, items)), { sync: false });
    await services.quota(folder.ref.root).add(bytes, items.length);
    const combined = changeOf(folder.ref, folder.index, 'append', uids);
    services.publish(combined);
    for (const [n, i] of accepted.entries()) {
      const uid = uids[n] as number;
      const change = items.length === 1 ? combined : changeOf(folder.ref, folder.index, 'append', [uid]);
      outcomes[i] = { ok: true, stored: { uid, uidValidity: folder.index.uidValidity, base: (batch[i] as PreparedMessage).base, change } };
    }
  } catch (error) {
    for (const [i, prepared] of batch.entries()) {
      if (outcomes[i]) continue;
      await discardPrepared(prepared);
      outcomes[i] = { ok: false, error };
    }
  }
  return outcomes as StoreOutcome[];
}

/** Links the batch into new/ or cur/ (the caller holds the folder lock) and returns the UIDs it got, in order. */
async function publish(folder: FolderHandle, items: readonly PreparedMessage[]): Promise<number[]> {
  const index = folder.index;
  const placed: Array<{ prepared: PreparedMessage; dir: SubDir; name: string }> = [];
  for (const prepared of items) {
    const letters = sortLetters(lettersOf(prepared.flags.system) + (await index.keywords.lettersFor(prepared.flags.keywords)));
    placed.push({ prepared, dir: letters ? 'cur' : 'new', name: letters ? `${prepared.base}:2,${letters}` : prepared.base });
  }
  const dirs = [...new Set(placed.map((p) => p.dir))];
  await index.own(dirs, async () => {
    for (const { prepared, dir, name } of placed) publishFile(prepared.tmpPath, join(folder.ref.path, dir, name));
  });
  for (const { prepared, dir, name } of placed) index.noteAdded(prepared.base, dir, name, prepared.internalDate);
  // The directories are synced while the uidlist and modseq log are written and synced: one journal commit
  // can carry all of them. Nothing is reported stored before all are done.
  const dirSyncs = Promise.all(dirs.map((dir) => fsyncDir(join(folder.ref.path, dir))));
  const committed = index.commitNoted();
  await Promise.allSettled([dirSyncs, committed]);
  await dirSyncs;
  await committed;
  return placed.map(({ prepared }) => {
    const rec = index.byBaseName(prepared.base);
    if (!rec) throw new Error(`stored message ${prepared.base} got no UID`);
    return rec.uid;
  });
}

/** One message: storePreparedBatch of one, the error thrown. */
export async function storePrepared(folder: FolderHandle, prepared: PreparedMessage, services: StoreServices, options: StoreOptions): Promise<StoredMessage> {
  const [outcome] = await storePreparedBatch(folder, [prepared], services, options);
  if (!outcome?.ok) throw outcome?.error;
  return outcome.stored;
}

/** APPEND: prepare, then store with the quota enforced. */
export async function appendMessage(folder: FolderHandle, message: MessageSource, options: PrepareOptions, services: StoreServices): Promise<StoredMessage> {
  const prepared = await prepareMessage(folder, message, options);
  return storePrepared(folder, prepared, services, { enforceQuota: true });
}
