// One account's Maildir++ tree as a Mailbox: locate, list, create, delete, rename and subscribe folders.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeRecord, CreateFolderOptions, FolderInfo, ListOptions, Mailbox, MailFolder, SpecialUse } from './api.js';
import { isErrno, MailboxExistsError, MailboxNameError, MailboxNoSelectError, MailboxNotFoundError, MailboxOperationError } from './errors.js';
import { MaildirFolder } from './folder.js';
import { existingFolders, hasChildren, listFolders } from './folder-list.js';
import { folderDirName, normalizeFolderName, type HierarchySeparator } from './folder-names.js';
import { deleteFolderDir, renameFolderDirs, renameInbox } from './folder-ops.js';
import { fsyncDir, lstatOrNull, statNow } from './fsutil.js';
import type { FolderRef, StoreServices } from './internal.js';
import type { QuotaUsage } from './quota.js';
import { checkNewSpecialUse, effectiveSpecialUse, SpecialUseFile, type SpecialUseAssignment } from './special-use.js';
import { SubscriptionFile } from './subscriptions.js';

/** Dovecot's marker file in every Maildir++ folder. */
export const MAILDIRFOLDER_NAME = 'maildirfolder';

/** Creates tmp/, new/ and cur/ in `dir` (and `dir` itself); existing ones are fine (and cost no exception). */
export async function ensureMaildir(dir: string): Promise<void> {
  // Nearly always all three exist (every SELECT and delivery comes here): three quick stat calls instead of three
  // mkdir round trips through the thread pool.
  const missing = ['tmp', 'new', 'cur'].filter((d) => !statNow(join(dir, d))?.isDirectory());
  await Promise.all(missing.map((d) => mkdir(join(dir, d), { recursive: true, mode: 0o700 })));
}

export class MaildirMailbox implements Mailbox {
  readonly separator: HierarchySeparator;
  private readonly subscriptions: SubscriptionFile;
  private readonly specialUses: SpecialUseFile;

  constructor(
    readonly account: string,
    readonly root: string,
    private readonly services: StoreServices,
    private readonly specialUse: ReadonlyMap<SpecialUse, string>,
  ) {
    this.separator = services.separator;
    this.subscriptions = new SubscriptionFile(root, this.separator);
    this.specialUses = new SpecialUseFile(root, this.separator);
  }

  /** Where folder `name` (canonical) lives; nothing is checked on disk. */
  ref(name: string): FolderRef {
    return { account: this.account, root: this.root, name, path: join(this.root, folderDirName(name, this.separator)) };
  }

  private canonical(name: string): string {
    return normalizeFolderName(name, this.separator);
  }

  /** Locates an existing folder; MailboxNoSelectError for a parent-only name, MailboxNotFoundError otherwise. */
  async locate(name: string, action = 'select'): Promise<FolderRef> {
    const canonical = this.canonical(name);
    const ref = this.ref(canonical);
    if (canonical === 'INBOX') {
      await ensureMaildir(this.root);
      return ref;
    }
    // lstat: a symbolic link is not a folder (it could lead out of the account's tree)
    const st = await lstatOrNull(ref.path);
    if (!st?.isDirectory()) {
      const names = (await existingFolders(this.root, this.separator)).keys();
      if (hasChildren(canonical, names, this.separator)) throw new MailboxNoSelectError(canonical, action);
      throw new MailboxNotFoundError(canonical);
    }
    await ensureMaildir(ref.path);
    return ref;
  }

  async folder(name: string): Promise<MailFolder> {
    return new MaildirFolder(await this.locate(name), this.services);
  }

  private async specialUseByName(existing: ReadonlySet<string>, assigned?: readonly SpecialUseAssignment[]): Promise<Map<string, SpecialUse>> {
    return effectiveSpecialUse(this.specialUse, assigned ?? (await this.specialUses.list()), (name) => existing.has(name));
  }

  private async existingNames(): Promise<Set<string>> {
    return new Set((await existingFolders(this.root, this.separator)).keys());
  }

  async listFolders(reference: string, pattern: string, options: ListOptions = {}): Promise<FolderInfo[]> {
    const existing = await this.existingNames();
    const subscribed = new Set<string>();
    for (const name of await this.subscriptions.list()) {
      try {
        subscribed.add(this.canonical(name));
      } catch {
        // a name we cannot store is never listed
      }
    }
    return listFolders({ existing, subscribed, specialUse: await this.specialUseByName(existing), separator: this.separator }, reference, pattern, options);
  }

  async createFolder(name: string, options: CreateFolderOptions = {}): Promise<ChangeRecord> {
    const trimmed = name.endsWith(this.separator) ? name.slice(0, -1) : name;
    const canonical = this.canonical(trimmed);
    if (canonical === 'INBOX') throw new MailboxExistsError('INBOX');
    await ensureMaildir(this.root);
    if (!options.specialUse?.length) return this.makeFolder(canonical);
    // The check, the folder and the assignment happen under the file's lock: two sessions cannot give one use twice.
    let change: ChangeRecord | undefined;
    await this.specialUses.update(async (current) => {
      const existing = await this.existingNames();
      const use = checkNewSpecialUse(options.specialUse ?? [], await this.specialUseByName(existing, current), (n) => existing.has(n)) as SpecialUse;
      if (existing.has(canonical)) throw new MailboxExistsError(canonical);
      change = await this.makeFolder(canonical, true);
      return [...current.filter(([n]) => n !== canonical), [canonical, use]];
    }).catch(async (err: unknown) => {
      // The folder must not exist without its use (RFC 6154 §5.1): undo a creation whose assignment failed.
      if (change) await rm(this.ref(canonical).path, { recursive: true, force: true });
      throw err;
    });
    this.services.publish(change as ChangeRecord);
    return change as ChangeRecord;
  }

  private async makeFolder(canonical: string, quiet = false): Promise<ChangeRecord> {
    const ref = this.ref(canonical);
    try {
      await mkdir(ref.path, { mode: 0o700 });
    } catch (err) {
      if (isErrno(err, 'EEXIST')) throw new MailboxExistsError(canonical);
      throw err;
    }
    await ensureMaildir(ref.path);
    await writeFile(join(ref.path, MAILDIRFOLDER_NAME), '', { mode: 0o600 });
    await fsyncDir(this.root);
    const change: ChangeRecord = { account: this.account, folder: canonical, kind: 'create', uids: [], time: Date.now() };
    if (!quiet) this.services.publish(change);
    return change;
  }

  async deleteFolder(name: string): Promise<ChangeRecord> {
    const canonical = this.canonical(name);
    if (canonical === 'INBOX') throw new MailboxOperationError('INBOX', 'INBOX cannot be deleted');
    const ref = await this.locate(canonical, 'delete');
    await deleteFolderDir(ref, this.services);
    await this.specialUses.forget([canonical]);
    const change: ChangeRecord = { account: this.account, folder: canonical, kind: 'delete', uids: [], time: Date.now() };
    this.services.publish(change);
    return change;
  }

  async renameFolder(from: string, to: string): Promise<ChangeRecord[]> {
    const source = this.canonical(from);
    const target = this.canonical(to);
    if (target === 'INBOX') throw new MailboxExistsError('INBOX');
    if (source === target) throw new MailboxExistsError(target);
    // Dovecot refuses this too: it confuses clients and serves no purpose.
    if (target.startsWith(source + this.separator)) throw new MailboxOperationError(source, 'cannot rename a mailbox under its own child');
    const targetRef = this.ref(target);
    if (await lstatOrNull(targetRef.path)) throw new MailboxExistsError(target);
    let renamed: Array<[string, string]>;
    if (source === 'INBOX') {
      await this.createFolder(target);
      await renameInbox(this.ref('INBOX'), targetRef, this.services);
      renamed = [['INBOX', target]];
    } else {
      const folders = await existingFolders(this.root, this.separator);
      renamed = await renameFolderDirs(this.root, source, target, folders, this.separator, this.services);
      if (renamed.length === 0) throw new MailboxNotFoundError(source);
      await this.specialUses.forget([], renamed);
    }
    const time = Date.now();
    const changes = renamed.map(([oldName, newName]): ChangeRecord => ({ account: this.account, folder: oldName, kind: 'rename', uids: [], newName, time }));
    for (const change of changes) this.services.publish(change);
    return changes;
  }

  async subscribe(name: string): Promise<void> {
    await this.subscriptions.update([this.canonical(name)], []);
  }

  async unsubscribe(name: string): Promise<void> {
    let canonical = name;
    try {
      canonical = this.canonical(name);
    } catch {
      // an invalid name can still be removed from the file
    }
    await this.subscriptions.update([], [canonical]);
  }

  async specialUseFolder(use: SpecialUse): Promise<string> {
    const existing = await this.existingNames();
    for (const [n, u] of await this.specialUseByName(existing)) if (u === use && existing.has(n)) return n;
    const name = this.specialUse.get(use);
    if (!name) throw new MailboxNameError(use, 'no folder is configured for this special use');
    try {
      await this.createFolder(name);
      await this.subscribe(name);
    } catch (err) {
      if (!(err instanceof MailboxExistsError)) throw err;
    }
    return name;
  }

  async quota(): Promise<QuotaUsage> {
    return this.services.quota(this.root).usage(await this.services.limits(this.account));
  }
}
