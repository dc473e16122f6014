// The filtering step between "this message goes to that mailbox" and the Maildir write: where Sieve (fileinto,
// discard, and later redirect, reject, vacation) plugs in. The default keeps the message: INBOX, or Junk for spam.
import type { Account } from '@mail/auth';
import type { HeaderField } from '@mail/mime';

export interface FilterInput {
  account: Account;
  /** The address extension of the recipient (user+tag), when it had one. */
  extension?: string;
  /** The envelope sender ('' for the null sender) and the recipient as the job named it. */
  sender: string;
  recipient: string;
  /** The message's header fields (byte strings). */
  fields: readonly HeaderField[];
  /** The spam check said spam. */
  spam: boolean;
}

/** What to do with the message for one mailbox. */
export type FilterAction =
  /** Store it in `folder` ("INBOX", "Junk", "Lists/x"), creating the folder when `create` is set (fileinto :create). */
  | { type: 'keep'; folder: string; flags?: string[]; create?: boolean }
  /** Store nothing (Sieve discard); the delivery counts as done. */
  | { type: 'discard' };

export interface DeliveryFilter {
  /** The actions for one mailbox; an empty list means keep in INBOX (Sieve's implicit keep). */
  decide(input: FilterInput): Promise<FilterAction[]>;
}

/** The special folder name that stands for the account's \Junk folder, whatever it is called. */
export const JUNK = '\\Junk';

/** Keeps everything: spam in the account's \Junk folder, the rest in INBOX. Dovecot's LDA does the same without Sieve. */
export const defaultFilter: DeliveryFilter = {
  async decide(input) {
    return [{ type: 'keep', folder: input.spam ? JUNK : 'INBOX' }];
  },
};
