// Folder-level disk operations: delete through Dovecot's trash directory, rename with children, and RENAME INBOX.
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, MailboxNotFoundError } from './errors.js';
import { folderDirName, normalizeFolderName, TRASH_DIR, type HierarchySeparator } from './folder-names.js';
import { fsyncDir, unlinkIfExists } from './fsutil.js';
import { changeOf, type FolderRef, type StoreServices } from './internal.js';
import { KEYWORDS_NAME } from './keywords.js';
import { withDotlock } from './lock.js';
import type { ModseqLine } from './modseq.js';
import { withKey } from './mutex.js';
import { sumMaildir } from './quota.js';
import { UIDLIST_NAME } from './uidlist.js';

/** Renames a folder directory while holding its dovecot-uidlist lock, so no writer of ours or Dovecot's is inside. */
async function renameLocked(from: string, to: string, services: StoreServices): Promise<void> {
  await withKey(`folder:${from}`, () =>
    withDotlock(join(from, UIDLIST_NAME), { staleMs: services.lockStaleMs }, async () => {
      await rename(from, to);
      // The lock file travelled with the directory; nobody else can hold it, so remove it there.
      await unlinkIfExists(join(to, `${UIDLIST_NAME}.lock`));
    }),
  );
  services.dropIndex(from);
  services.dropIndex(to);
}

/**
 * Deletes a folder the way Dovecot does: rename it to ".DOVECOT-TRASHED" (atomic: readers see it gone at
 * once, and Dovecot never lists that name), then remove the tree. Children are not touched: they keep
 * existing and their parent shows up as \Noselect.
 */
export async function deleteFolderDir(ref: FolderRef, services: StoreServices): Promise<void> {
  const usage = await sumMaildir(ref.path, []);
  const trash = join(ref.root, TRASH_DIR);
  for (let attempt = 0; ; attempt++) {
    try {
      await renameLocked(ref.path, trash, services);
      break;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new MailboxNotFoundError(ref.name);
      if (!isErrno(err, 'ENOTEMPTY', 'EEXIST') || attempt >= 3) throw err;
      await rm(trash, { recursive: true, force: true });
    }
  }
  await fsyncDir(ref.root);
  await rm(trash, { recursive: true, force: true });
  await services.quota(ref.root).add(-usage.storage, -usage.messages);
}

/**
 * Renames `source` (if it exists) and every folder below it to `target`. A child whose new name is
 * taken already stays where it is, as in Dovecot. Returns the [old, new] pairs renamed.
 */
export async function renameFolderDirs(
  root: string,
  source: string,
  target: string,
  folders: ReadonlyMap<string, string>,
  separator: HierarchySeparator,
  services: StoreServices,
): Promise<Array<[string, string]>> {
  const plan: Array<[string, string]> = [];
  if (folders.has(source)) plan.push([source, target]);
  const prefix = source + separator;
  for (const name of folders.keys()) {
    if (!name.startsWith(prefix) || name === target) continue;
    plan.push([name, normalizeFolderName(target + name.slice(source.length), separator)]);
  }
  const done: Array<[string, string]> = [];
  for (const [oldName, newName] of plan) {
    const from = join(root, folderDirName(oldName, separator));
    const to = join(root, folderDirName(newName, separator));
    try {
      await renameLocked(from, to, services);
      done.push([oldName, newName]);
    } catch (err) {
      if (oldName === source || !isErrno(err, 'ENOTEMPTY', 'EEXIST', 'ENOENT')) throw err;
    }
  }
  await fsyncDir(root);
  return done;
}

/**
 * RENAME INBOX (RFC 3501 §6.3.5): every message moves to the new folder, INBOX stays, empty, with its
 * UIDVALIDITY; its children stay too. File names and the keyword map travel, so flags survive.
 */
export async function renameInbox(inbox: FolderRef, target: FolderRef, services: StoreServices): Promise<void> {
  const index = services.index(inbox.root, inbox.path);
  const moved = await withKey(`folder:${inbox.path}`, async () => {
    await index.sync();
    return index.locked(async () => {
      try {
        await copyFile(join(inbox.path, KEYWORDS_NAME), join(target.path, KEYWORDS_NAME));
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
      const uids: number[] = [];
      for (const rec of [...index.messages()]) {
        try {
          await rename(join(inbox.path, rec.dir, rec.filename), join(target.path, rec.dir, rec.filename));
        } catch (err) {
          if (isErrno(err, 'ENOENT')) continue;
          throw err;
        }
        index.noteRemoved(rec.base);
        uids.push(rec.uid);
      }
      if (uids.length > 0) {
        const modseq = index.modseqLog.highest + 1;
        await index.modseqLog.append(uids.map((uid): ModseqLine => ({ kind: 'expunge', uid, modseq })));
      }
      await Promise.all(['new', 'cur'].flatMap((d) => [fsyncDir(join(inbox.path, d)), fsyncDir(join(target.path, d))]));
      index.applyNoted();
      return uids;
    });
  });
  if (moved.length > 0) services.publish(changeOf(inbox, index, 'expunge', moved));
}
