// Stores by account: the MaildirStore of the location template, plus one store for each account whose directory
// entry names a Maildir of its own (kept in a bounded LRU); every daemon that opens accounts' Maildirs uses this.
import { resolve } from 'node:path';
import type { ChangeListener, DeliverOptions, DeliverResult, Mailbox, MessageSource } from './api.js';
import type { ChangeNotifier } from './notifier.js';
import { MaildirStore } from './store.js';

/** What this needs to know of an account: its address, and the Maildir its directory entry gives. */
export interface AccountLocation {
  address: string;
  mailbox: string;
}

/** Accounts with a Maildir of their own get a store each; this many are kept open by default. */
export const MAX_EXTRA_STORES = 256;

export class AccountStores {
  private readonly extra = new Map<string, MaildirStore>();

  /**
   * @param main the store for the configured location template
   * @param notifier the notifier shared by every store (Redis across processes); without one, each extra store
   *   watches its own Maildir
   */
  constructor(
    readonly main: MaildirStore,
    private readonly notifier?: ChangeNotifier,
    private readonly maxExtra = MAX_EXTRA_STORES,
  ) {}

  /** The store holding this account's Maildir. */
  storeFor(account: AccountLocation): MaildirStore {
    const own = resolve(account.mailbox);
    let templated: string | undefined;
    try {
      templated = this.main.rootOf(account.address);
    } catch {
      templated = undefined;
    }
    if (templated === own) return this.main;
    let store = this.extra.get(own);
    if (store) {
      this.extra.delete(own);
    } else {
      // A location without %-variables names the one Maildir of this account.
      store = new MaildirStore({
        location: own.replace(/%/g, '%%'),
        separator: this.main.separator,
        ...(this.notifier ? { notifier: this.notifier } : {}),
      });
      if (this.extra.size >= this.maxExtra) {
        const [oldest, old] = this.extra.entries().next().value as [string, MaildirStore];
        this.extra.delete(oldest);
        void old.close();
      }
    }
    this.extra.set(own, store);
    return store;
  }

  openMailbox(account: AccountLocation): Promise<Mailbox> {
    return this.storeFor(account).openMailbox(account.address);
  }

  deliver(account: AccountLocation, folder: string, message: MessageSource, options?: DeliverOptions): Promise<DeliverResult> {
    return this.storeFor(account).deliver(account.address, folder, message, options);
  }

  /** Change records of an account, from any process (through the shared notifier). */
  subscribe(address: string, listener: ChangeListener): () => void {
    return this.main.subscribe(address, listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.extra.values()].map((s) => s.close()));
    this.extra.clear();
    await this.main.close();
  }
}
