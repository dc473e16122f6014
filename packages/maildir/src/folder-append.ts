// Messages entering a folder one at a time (APPEND, delivery): written to tmp/, checked against the quota, moved into new/ or cur/.
import { unlink, utimes } from 'node:fs/promises';
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

/** Raises QuotaExceededError (with the usage as `quota`) when adding would pass a limit; null when no limit applies. */
export async function checkQuota(folder: FolderHandle, services: StoreServices, bytes: number, messages: number, limits?: QuotaLimits): Promise<QuotaUsage | null> {
  const effective = limits ?? (await services.limits(folder.ref.account));
  const usage = await services.quota(folder.ref.root).forCheck(effective);
  if (!usage) return null;
  const over = overQuota(usage, bytes, messages);
  if (over) {
    const err = new QuotaExceededError(over, over === 'storage' ? usage.storage + bytes : usage.messages + messages, (over === 'storage' ? usage.limits.storage : usage.limits.messages) ?? 0);
    throw Object.assign(err, { quota: usage });
  }
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
  const sizes = await writeMessageFile(tmpPath, message, options.maxSize !== undefined ? { maxSize: options.maxSize } : {});
  try {
    await utimes(tmpPath, new Date(internalDate), new Date(internalDate));
  } catch (err) {
    await discardPrepared({ tmpPath });
    throw err;
  }
  return { tmpPath, base: `${tmpBase},S=${sizes.size},W=${sizes.vsize}`, size: sizes.size, internalDate, flags };
}

/** Removes a prepared message that will not be stored. */
export async function discardPrepared(prepared: Pick<PreparedMessage, 'tmpPath'>): Promise<void> {
  await unlink(prepared.tmpPath).catch(() => undefined);
}

export interface StoreOptions {
  enforceQuota: boolean;
  quota?: QuotaLimits;
  /** Called with the base name after the quota check and before the file becomes visible. */
  beforePublish?: (base: string) => Promise<void>;
}

export interface StoredMessage {
  uid: number;
  uidValidity: number;
  base: string;
  change: ChangeRecord;
}

/**
 * Makes a prepared message visible: into new/ without flags (so it is \Recent) or cur/ with them, then
 * gives it the next UID under the folder lock. No directory is read: like Dovecot's save, only the
 * uidlist tail is. The tmp/ file is removed when anything fails.
 */
export async function storePrepared(folder: FolderHandle, prepared: PreparedMessage, services: StoreServices, options: StoreOptions): Promise<StoredMessage> {
  const { base, tmpPath, internalDate } = prepared;
  let uid: number;
  try {
    if (options.enforceQuota) await checkQuota(folder, services, prepared.size, 1, options.quota);
    if (options.beforePublish) await options.beforePublish(base);
    const publish = async (): Promise<number> => {
      const index = folder.index;
      const letters = sortLetters(lettersOf(prepared.flags.system) + (await index.keywords.lettersFor(prepared.flags.keywords)));
      const dir: SubDir = letters ? 'cur' : 'new';
      const name = letters ? `${base}:2,${letters}` : base;
      await index.own([dir], async () => {
        await publishFile(tmpPath, join(folder.ref.path, dir, name));
        await fsyncDir(join(folder.ref.path, dir));
      });
      index.noteAdded(base, dir, name, internalDate);
      await index.commitNoted();
      const rec = index.byBaseName(base);
      if (!rec) throw new Error(`stored message ${base} got no UID`);
      return rec.uid;
    };
    uid = await folder.exclusive(() => folder.index.locked(publish), { sync: false });
  } catch (err) {
    await discardPrepared(prepared);
    throw err;
  }
  await services.quota(folder.ref.root).add(prepared.size, 1);
  const change = changeOf(folder.ref, folder.index, 'append', [uid]);
  services.publish(change);
  return { uid, uidValidity: folder.index.uidValidity, base, change };
}

/** APPEND: prepare, then store with the quota enforced. */
export async function appendMessage(folder: FolderHandle, message: MessageSource, options: PrepareOptions, services: StoreServices): Promise<StoredMessage> {
  const prepared = await prepareMessage(folder, message, options);
  return storePrepared(folder, prepared, services, { enforceQuota: true });
}
