// MemoryStore: the MailStore in memory, for tests of imapd, pop3d and the mda; it passes the same contract tests as MaildirStore.
import type { ChangeListener, ChangeRecord, CreateFolderOptions, DeliverOptions, DeliverResult, FolderInfo, ListOptions, Mailbox, MailFolder, MailStore, MessageSource, SpecialUse } from './api.js';
import { MailboxExistsError, MailboxNameError, MailboxNoSelectError, MailboxNotFoundError, MailboxOperationError, QuotaExceededError } from './errors.js';
import { hasChildren, listFolders } from './folder-list.js';
import { normalizeFolderName, type HierarchySeparator } from './folder-names.js';
import { addMessage, collect, MemoryFolder, type MemFolderData } from './memory-folder.js';
import { createLocalNotifier, type ChangeNotifier } from './notifier.js';
import { parseAccount } from './path-template.js';
import { overQuota, type QuotaLimits, type QuotaUsage } from './quota.js';
import { checkNewSpecialUse, DEFAULT_SPECIAL_USE, effectiveSpecialUse, type SpecialUseAssignment } from './special-use.js';

interface MemAccount {
  folders: Map<string, MemFolderData>;
  subscriptions: string[];
  /** Special uses the account gave folders (CREATE-SPECIAL-USE). */
  specialUses: SpecialUseAssignment[];
  dedupe: Map<string, { folder: string; uid: number }>;
}

export interface MemoryStoreOptions {
  separator?: HierarchySeparator;
  notifier?: ChangeNotifier;
  quota?: (account: string) => QuotaLimits | undefined | Promise<QuotaLimits | undefined>;
  specialUse?: Partial<Record<SpecialUse, string>>;
}

let lastUidValidity = 0;
function nextUidValidity(): number {
  const now = Math.floor(Date.now() / 1000);
  lastUidValidity = lastUidValidity < now ? now : lastUidValidity + 1;
  return lastUidValidity;
}

function newFolder(): MemFolderData {
  return { uidValidity: nextUidValidity(), nextUid: 1, highestModseq: 0, messages: new Map(), keywordNames: new Map() };
}

export class MemoryStore implements MailStore {
  readonly separator: HierarchySeparator;
  readonly notifier: ChangeNotifier;
  private readonly accounts = new Map<string, MemAccount>();
  readonly specialUse: Map<SpecialUse, string>;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.separator = options.separator ?? '/';
    this.notifier = options.notifier ?? createLocalNotifier();
    this.specialUse = new Map(Object.entries({ ...DEFAULT_SPECIAL_USE, ...options.specialUse }) as Array<[SpecialUse, string]>);
  }

  account(address: string): MemAccount {
    const key = parseAccount(address).address;
    let acc = this.accounts.get(key);
    if (!acc) {
      acc = { folders: new Map([['INBOX', newFolder()]]), subscriptions: [], specialUses: [], dedupe: new Map() };
      this.accounts.set(key, acc);
    }
    return acc;
  }

  async limits(account: string): Promise<QuotaLimits | undefined> {
    return this.options.quota ? this.options.quota(parseAccount(account).address) : undefined;
  }

  async usage(account: string, limits?: QuotaLimits): Promise<QuotaUsage> {
    return this.usageNow(account, limits ?? (await this.limits(account)));
  }

  /** Usage without awaiting anything, so a check and the write after it are one step. */
  private usageNow(account: string, limits: QuotaLimits | undefined): QuotaUsage {
    let storage = 0;
    let messages = 0;
    for (const f of this.account(account).folders.values()) {
      for (const m of f.messages.values()) storage += m.data.length;
      messages += f.messages.size;
    }
    return { storage, messages, limits: limits ?? {} };
  }

  publish(change: ChangeRecord): void {
    this.notifier.publish(change).catch(() => undefined);
  }

  async openMailbox(account: string): Promise<Mailbox> {
    this.account(account);
    return new MemoryMailbox(this, parseAccount(account).address);
  }

  async deliver(account: string, folder: string, message: MessageSource, options: DeliverOptions = {}): Promise<DeliverResult> {
    const acc = this.account(account);
    // Everything awaited comes first: from the dedupe look-up on, a delivery runs without yielding.
    const data = await collect(message);
    const limits = options.quota ?? (await this.limits(account));
    const key = options.dedupeKey;
    const earlier = key !== undefined ? acc.dedupe.get(key) : undefined;
    if (earlier) {
      const f = acc.folders.get(earlier.folder);
      return f?.messages.has(earlier.uid) ? { status: 'duplicate', folder: earlier.folder, uid: earlier.uid } : { status: 'duplicate', folder: earlier.folder };
    }
    let name = 'INBOX';
    try {
      const canonical = normalizeFolderName(folder, this.separator);
      if (acc.folders.has(canonical)) name = canonical;
      else if (options.createFolder) {
        acc.folders.set(canonical, newFolder());
        name = canonical;
      }
    } catch (err) {
      if (!(err instanceof MailboxNameError)) throw err;
    }
    const usage = this.usageNow(account, limits);
    const over = overQuota(usage, data.length, 1);
    if (over) return { status: 'over-quota', resource: over, usage };
    const date = options.internalDate instanceof Date ? options.internalDate.getTime() : (options.internalDate ?? Date.now());
    const f = acc.folders.get(name) as MemFolderData;
    const m = addMessage(f, data, options.flags ?? [], date);
    if (key !== undefined) acc.dedupe.set(key, { folder: name, uid: m.uid });
    const change: ChangeRecord = { account: parseAccount(account).address, folder: name, kind: 'append', uids: [m.uid], modseq: f.highestModseq, uidValidity: f.uidValidity, uidNext: f.nextUid, time: Date.now() };
    this.publish(change);
    return { status: 'delivered', folder: name, uid: m.uid, uidValidity: f.uidValidity, change };
  }

  async quota(account: string): Promise<QuotaUsage> {
    return this.usage(account);
  }

  subscribe(account: string, listener: ChangeListener): () => void {
    return this.notifier.subscribe(parseAccount(account).address, listener);
  }

  async close(): Promise<void> {
    if (!this.options.notifier) await this.notifier.close();
  }
}

class MemoryMailbox implements Mailbox {
  readonly separator: HierarchySeparator;

  constructor(
    private readonly store: MemoryStore,
    readonly account: string,
  ) {
    this.separator = store.separator;
  }

  private get acc(): MemAccount {
    return this.store.account(this.account);
  }

  private canonical(name: string): string {
    return normalizeFolderName(name, this.separator);
  }

  /** The canonical name of an existing folder, or the typed error IMAP needs. */
  locate(name: string, action = 'select'): string {
    const canonical = this.canonical(name);
    if (this.acc.folders.has(canonical)) return canonical;
    if (hasChildren(canonical, this.acc.folders.keys(), this.separator)) throw new MailboxNoSelectError(canonical, action);
    throw new MailboxNotFoundError(canonical);
  }

  private publish(change: Omit<ChangeRecord, 'account' | 'time'>): ChangeRecord {
    const full = { ...change, account: this.account, time: Date.now() };
    this.store.publish(full);
    return full;
  }

  async folder(name: string): Promise<MailFolder> {
    const canonical = this.locate(name);
    return new MemoryFolder(
      {
        account: this.account,
        folderData: (n) => {
          const f = this.acc.folders.get(n);
          if (!f) throw new MailboxNotFoundError(n);
          return f;
        },
        resolve: (n) => this.locate(n, 'copy to'),
        publish: (c) => this.store.publish(c),
        checkQuota: async (bytes, messages) => {
          const usage = await this.store.usage(this.account);
          const over = overQuota(usage, bytes, messages);
          if (over) throw new QuotaExceededError(over, over === 'storage' ? usage.storage + bytes : usage.messages + messages, (over === 'storage' ? usage.limits.storage : usage.limits.messages) ?? 0);
        },
      },
      canonical,
    );
  }

  private specialUseByName(): Map<string, SpecialUse> {
    return effectiveSpecialUse(this.store.specialUse, this.acc.specialUses, (name) => this.acc.folders.has(name));
  }

  async listFolders(reference: string, pattern: string, options: ListOptions = {}): Promise<FolderInfo[]> {
    const specialUse = this.specialUseByName();
    const subscribed = new Set<string>();
    for (const s of this.acc.subscriptions) subscribed.add(s);
    return listFolders({ existing: new Set(this.acc.folders.keys()), subscribed, specialUse, separator: this.separator }, reference, pattern, options);
  }

  async createFolder(name: string, options: CreateFolderOptions = {}): Promise<ChangeRecord> {
    const trimmed = name.endsWith(this.separator) ? name.slice(0, -1) : name;
    const canonical = this.canonical(trimmed);
    const use = checkNewSpecialUse(options.specialUse ?? [], this.specialUseByName(), (n) => this.acc.folders.has(n));
    if (this.acc.folders.has(canonical)) throw new MailboxExistsError(canonical);
    this.acc.folders.set(canonical, newFolder());
    if (use) this.acc.specialUses = [...this.acc.specialUses.filter(([n]) => n !== canonical), [canonical, use]];
    return this.publish({ folder: canonical, kind: 'create', uids: [] });
  }

  async deleteFolder(name: string): Promise<ChangeRecord> {
    const canonical = this.canonical(name);
    if (canonical === 'INBOX') throw new MailboxOperationError('INBOX', 'INBOX cannot be deleted');
    this.locate(canonical, 'delete');
    this.acc.folders.delete(canonical);
    this.acc.specialUses = this.acc.specialUses.filter(([n]) => n !== canonical);
    return this.publish({ folder: canonical, kind: 'delete', uids: [] });
  }

  async renameFolder(from: string, to: string): Promise<ChangeRecord[]> {
    const source = this.canonical(from);
    const target = this.canonical(to);
    const folders = this.acc.folders;
    if (target === 'INBOX' || source === target || folders.has(target)) throw new MailboxExistsError(target);
    if (target.startsWith(source + this.separator)) throw new MailboxOperationError(source, 'cannot rename a mailbox under its own child');
    if (source === 'INBOX') {
      const inbox = folders.get('INBOX') as MemFolderData;
      const moved = newFolder();
      for (const m of [...inbox.messages.values()].sort((a, b) => a.uid - b.uid)) {
        const copy = addMessage(moved, m.data, [...m.system, ...m.keywords], m.internalDate, m.vsize);
        copy.fresh = m.fresh;
      }
      const uids = [...inbox.messages.keys()];
      inbox.messages.clear();
      if (uids.length > 0) inbox.highestModseq++;
      folders.set(target, moved);
      this.publish({ folder: 'INBOX', kind: 'expunge', uids, modseq: inbox.highestModseq });
      return [this.publish({ folder: 'INBOX', kind: 'rename', uids: [], newName: target })];
    }
    const plan: Array<[string, string]> = [];
    if (folders.has(source)) plan.push([source, target]);
    for (const name of folders.keys()) {
      if (name.startsWith(source + this.separator) && name !== target) plan.push([name, this.canonical(target + name.slice(source.length))]);
    }
    if (plan.length === 0) throw new MailboxNotFoundError(source);
    const changes: ChangeRecord[] = [];
    for (const [oldName, newName] of plan) {
      if (oldName !== source && folders.has(newName)) continue;
      const data = folders.get(oldName) as MemFolderData;
      folders.delete(oldName);
      folders.set(newName, data);
      this.acc.specialUses = this.acc.specialUses.map(([n, u]): SpecialUseAssignment => [n === oldName ? newName : n, u]);
      changes.push(this.publish({ folder: oldName, kind: 'rename', uids: [], newName }));
    }
    return changes;
  }

  async subscribe(name: string): Promise<void> {
    const canonical = this.canonical(name);
    if (!this.acc.subscriptions.includes(canonical)) this.acc.subscriptions.push(canonical);
  }

  async unsubscribe(name: string): Promise<void> {
    let canonical = name;
    try {
      canonical = this.canonical(name);
    } catch {
      // remove as given
    }
    this.acc.subscriptions = this.acc.subscriptions.filter((s) => s !== canonical);
  }

  async specialUseFolder(use: SpecialUse): Promise<string> {
    for (const [n, u] of this.specialUseByName()) if (u === use && this.acc.folders.has(n)) return n;
    const name = this.store.specialUse.get(use);
    if (!name) throw new MailboxNameError(use, 'no folder is configured for this special use');
    if (!this.acc.folders.has(name)) {
      await this.createFolder(name);
      await this.subscribe(name);
    }
    return name;
  }

  async quota(): Promise<QuotaUsage> {
    return this.store.usage(this.account);
  }
}
