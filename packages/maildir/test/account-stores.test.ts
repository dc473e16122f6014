// AccountStores: the template's store for accounts at the templated path, a store of their own for accounts whose
// directory entry names another Maildir, and a bounded number of those kept open.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountStores, MaildirStore } from '../src/index.js';

let dir: TempDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

describe('AccountStores', () => {
  it('delivers at the templated path through the main store and at an account’s own path through its own', async () => {
    dir = await tempDir('maildir-accounts-');
    const main = new MaildirStore({ location: join(dir.path, 'mail/%d/%n/Maildir') });
    const stores = new AccountStores(main, undefined, 1);
    try {
      const amy = { address: 'amy@example.test', mailbox: join(dir.path, 'mail/example.test/amy/Maildir/') };
      const ben = { address: 'ben@example.test', mailbox: join(dir.path, 'elsewhere/ben') };
      const cid = { address: 'cid@example.test', mailbox: join(dir.path, 'elsewhere/cid') };
      expect(stores.storeFor(amy)).toBe(main);
      const benStore = stores.storeFor(ben);
      expect(benStore).not.toBe(main);
      expect(stores.storeFor(ben)).toBe(benStore);

      expect((await stores.deliver(amy, 'INBOX', 'Subject: a\n\na\n')).status).toBe('delivered');
      expect((await stores.deliver(ben, 'INBOX', 'Subject: b\n\nb\n')).status).toBe('delivered');
      expect(readdirSync(join(ben.mailbox, 'new'))).toHaveLength(1);
      expect(existsSync(join(dir.path, 'mail/example.test/ben'))).toBe(false);

      // With room for one extra store, opening cid's evicts ben's; ben's mail is still there afterwards.
      expect((await stores.deliver(cid, 'INBOX', 'Subject: c\n\nc\n')).status).toBe('delivered');
      expect(stores.storeFor(ben)).not.toBe(benStore);
      const inbox = await (await stores.openMailbox(ben)).folder('INBOX');
      expect((await inbox.status()).exists).toBe(1);
    } finally {
      await stores.close();
    }
  });
});
