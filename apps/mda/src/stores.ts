// The Maildir of each account: the store for the configured location template, and one store per account whose
// entry names a Maildir of its own; all publish their change records through one notifier.
import { resolve } from 'node:path';
import type { Account } from '@mail/auth';
import { MaildirStore, type ChangeNotifier, type DeliverOptions, type DeliverResult, type MessageSource, type SpecialUse } from '@mail/maildir';

/** Accounts with a Maildir of their own get a store each; this many are kept open. */
const MAX_EXTRA_STORES = 256;

/** What the mda needs of the storage. */
export interface MailboxStores {
  deliver(account: Account, folder: string, message: MessageSource, options: DeliverOptions): Promise<DeliverResult>;
  /** The name of the account's folder with this special use (created on first use). */
  specialUseFolder(account: Account, use: SpecialUse): Promise<string>;
  close(): Promise<void>;
}

export class MaildirStores implements MailboxStores {
  private readonly main: MaildirStore;
  private readonly extra = new Map<string, MaildirStore>();

  constructor(
    location: string,
    private readonly notifier: ChangeNotifier | undefined,
  ) {
    this.main = new MaildirStore({ location, ...(notifier ? { notifier } : {}) });
  }

  private storeFor(account: Account): MaildirStore {
    const own = resolve(account.mailbox);
    let templated: string | undefined;
    try {
      templated = this.main.rootOf(account.address);
    } catch {
      templated = undefined;
    }
    if (templated === own) return this.main;
    let store = this.extra.get(own);
    if (store) this.extra.delete(own);
    else {
      // A location without %-variables names the one Maildir of this account.
      store = new MaildirStore({ location: own.replace(/%/g, '%%'), ...(this.notifier ? { notifier: this.notifier } : {}) });
      if (this.extra.size >= MAX_EXTRA_STORES) {
        const [oldest, old] = this.extra.entries().next().value as [string, MaildirStore];
        this.extra.delete(oldest);
        void old.close();
      }
    }
    this.extra.set(own, store);
    return store;
  }

  deliver(account: Account, folder: string, message: MessageSource, options: DeliverOptions): Promise<DeliverResult> {
    return this.storeFor(account).deliver(account.address, folder, message, options);
  }

  async specialUseFolder(account: Account, use: SpecialUse): Promise<string> {
    return (await this.storeFor(account).openMailbox(account.address)).specialUseFolder(use);
  }

  async close(): Promise<void> {
    await Promise.all([...this.extra.values()].map((s) => s.close()));
    this.extra.clear();
    await this.main.close();
  }
}
