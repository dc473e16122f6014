// The Maildir of each account: the store for the configured location template, and one store per account whose
// entry names a Maildir of its own; all publish their change records through one notifier.
import type { Account } from '@mail/auth';
import { AccountStores, MaildirStore, type ChangeNotifier, type DeliverOptions, type DeliverResult, type MessageSource, type SpecialUse } from '@mail/maildir';

/** What the mda needs of the storage. */
export interface MailboxStores {
  deliver(account: Account, folder: string, message: MessageSource, options: DeliverOptions): Promise<DeliverResult>;
  /** The name of the account's folder with this special use (created on first use). */
  specialUseFolder(account: Account, use: SpecialUse): Promise<string>;
  close(): Promise<void>;
}

export class MaildirStores implements MailboxStores {
  private readonly stores: AccountStores;

  constructor(location: string, notifier: ChangeNotifier | undefined) {
    this.stores = new AccountStores(new MaildirStore({ location, ...(notifier ? { notifier } : {}) }), notifier);
  }

  deliver(account: Account, folder: string, message: MessageSource, options: DeliverOptions): Promise<DeliverResult> {
    return this.stores.deliver(account, folder, message, options);
  }

  async specialUseFolder(account: Account, use: SpecialUse): Promise<string> {
    return (await this.stores.openMailbox(account)).specialUseFolder(use);
  }

  close(): Promise<void> {
    return this.stores.close();
  }
}
