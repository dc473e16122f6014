// MaildirStore: the MailStore over Maildir++ directories shared with Dovecot, one tree per account from the location template.
import type { ChangeListener, ChangeRecord, DeliverOptions, DeliverResult, MailStore, MessageSource, SpecialUse } from './api.js';
import { DedupeIndex } from './dedupe.js';
import { DeliveryQueue, deliverMessage } from './deliver.js';
import { MaildirFolder } from './folder.js';
import { FolderIndex } from './folder-index.js';
import type { HierarchySeparator } from './folder-names.js';
import { existingFolders } from './folder-list.js';
import type { FolderRef, StoreServices } from './internal.js';
import { ensureMaildir, MaildirMailbox } from './mailbox.js';
import { createLocalNotifier, type ChangeNotifier } from './notifier.js';
import { expandMailboxPath, parseAccount } from './path-template.js';
import { LruMap } from './lru.js';
import { DEFAULT_SPECIAL_USE } from './special-use.js';
import { MaildirQuota, type QuotaLimits, type QuotaUsage } from './quota.js';

export interface MaildirStoreOptions {
  /** Location template, config paths.mailboxes: e.g. "/var/lib/mail/mailboxes/%d/%n/Maildir". */
  location: string;
  /** Hierarchy separator clients see (config imapd.hierarchySeparator); "/" by default. */
  separator?: HierarchySeparator;
  /** Where change records go; an in-process notifier (with fs.watch) when not given. */
  notifier?: ChangeNotifier;
  /** Quota limits of an account (e.g. from the user database); undefined uses the maildirsize header if any. */
  quota?: (account: string) => QuotaLimits | undefined | Promise<QuotaLimits | undefined>;
  /** Names of the special-use folders. */
  specialUse?: Partial<Record<SpecialUse, string>>;
  /** Stale timeout of dovecot-uidlist locks; 120 s like Dovecot. */
  lockStaleMs?: number;
  /** How long dedupe keys are remembered; 14 days by default (longer than any queue retry). */
  dedupeRetentionMs?: number;
  /** Largest message deliver() accepts. */
  maxMessageSize?: number;
  /** Scan caches kept in memory at once (least recently used ones are dropped). */
  maxCachedFolders?: number;
}

export class MaildirStore implements MailStore {
  readonly separator: HierarchySeparator;
  readonly notifier: ChangeNotifier;
  private readonly indexes: LruMap<string, FolderIndex>;
  private readonly quotas = new LruMap<string, MaildirQuota>(10_000);
  private readonly dedupes = new LruMap<string, DedupeIndex>(1000);
  private readonly specialUse: Map<SpecialUse, string>;
  private readonly services: StoreServices;
  private readonly deliveries = new DeliveryQueue();

  constructor(private readonly options: MaildirStoreOptions) {
    this.separator = options.separator ?? '/';
    this.notifier = options.notifier ?? createLocalNotifier({ rootOf: (account) => this.rootOf(account), separator: this.separator });
    this.specialUse = new Map(Object.entries({ ...DEFAULT_SPECIAL_USE, ...options.specialUse }) as Array<[SpecialUse, string]>);
    this.indexes = new LruMap(options.maxCachedFolders ?? 1000);
    const lockStaleMs = options.lockStaleMs ?? 120_000;
    this.services = {
      separator: this.separator,
      lockStaleMs,
      index: (root, path) => this.index(root, path),
      dropIndex: (path) => {
        this.indexes.delete(path);
      },
      quota: (root) => this.quotaOf(root),
      limits: async (account) => (this.options.quota ? await this.options.quota(parseAccount(account).address) : undefined),
      publish: (change) => this.publish(change),
      resolve: async (account, root, name) => this.mailboxAt(account, root).locate(name, 'copy to'),
      open: (ref: FolderRef) => new MaildirFolder(ref, this.services),
    };
  }

  /** The Maildir root of an account (AccountNameError for addresses that cannot be a path). */
  rootOf(account: string): string {
    return expandMailboxPath(this.options.location, account);
  }

  private index(root: string, path: string): FolderIndex {
    return this.indexes.getOrCreate(path, () => new FolderIndex(path, { root, lockStaleMs: this.services.lockStaleMs }));
  }

  private quotaOf(root: string): MaildirQuota {
    return this.quotas.getOrCreate(root, () => new MaildirQuota(root, async () => [...(await existingFolders(root, this.separator)).values()].filter((d) => d !== '')));
  }

  private publish(change: ChangeRecord): void {
    this.notifier.publish(change).catch(() => undefined);
  }

  private mailboxAt(account: string, root: string): MaildirMailbox {
    return new MaildirMailbox(parseAccount(account).address, root, this.services, this.specialUse);
  }

  async openMailbox(account: string): Promise<MaildirMailbox> {
    const root = this.rootOf(account);
    await ensureMaildir(root);
    return this.mailboxAt(account, root);
  }

  async deliver(account: string, folder: string, message: MessageSource, options: DeliverOptions = {}): Promise<DeliverResult> {
    return deliverMessage(
      {
        services: this.services,
        // No ensureMaildir here: locating the target folder creates INBOX's directories when needed.
        mailbox: async (a) => this.mailboxAt(a, this.rootOf(a)),
        dedupe: (root) => this.dedupes.getOrCreate(root, () => new DedupeIndex(root, this.options.dedupeRetentionMs ?? 14 * 86_400_000)),
        queue: this.deliveries,
        ...(this.options.maxMessageSize !== undefined ? { maxMessageSize: this.options.maxMessageSize } : {}),
      },
      account,
      folder,
      message,
      options,
    );
  }

  async quota(account: string): Promise<QuotaUsage> {
    return (await this.openMailbox(account)).quota();
  }

  subscribe(account: string, listener: ChangeListener): () => void {
    return this.notifier.subscribe(parseAccount(account).address, listener);
  }

  async close(): Promise<void> {
    this.indexes.clear();
    if (!this.options.notifier) await this.notifier.close();
  }
}
