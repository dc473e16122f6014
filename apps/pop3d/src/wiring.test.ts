// The concrete wiring: each account's INBOX at the path the directory gives, and APOP availability.
import { join } from 'node:path';
import { MemoryDirectory, type Account } from '@mail/auth';
import { MaildirStore } from '@mail/maildir';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { apopAvailability, MaildirInboxes } from './wiring.js';

let dir: TempDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

const account = (address: string, mailbox: string): Account => ({ address, passwordHash: '{PLAIN}x', mailbox, quota: {}, enabled: true });

describe('MaildirInboxes', () => {
  it('opens the templated Maildir through the shared store and an account’s own path through its own', async () => {
    dir = await tempDir('pop3d-wiring-');
    const location = join(dir.path, 'mail/%d/%n/Maildir');
    const store = new MaildirStore({ location });
    await store.deliver('amy@example.test', 'INBOX', 'Subject: templated\n\nx\n');
    const own = join(dir.path, 'elsewhere/ben');
    const ownStore = new MaildirStore({ location: own });
    await ownStore.deliver('ben@example.test', 'INBOX', 'Subject: own path\n\ny\n');
    await ownStore.close();

    const inboxes = new MaildirInboxes(store, undefined);
    try {
      const amy = await inboxes.open(account('amy@example.test', join(dir.path, 'mail/example.test/amy/Maildir/')));
      expect((await amy.status()).exists).toBe(1);
      const ben = await inboxes.open(account('ben@example.test', own));
      expect((await ben.status()).exists).toBe(1);
      const benAgain = await inboxes.open(account('ben@example.test', own));
      expect((await benAgain.snapshot()).messages).toHaveLength(1);
    } finally {
      await inboxes.close();
    }
  });
});

describe('apopAvailability', () => {
  it('is true only while some enabled account has a {PLAIN} password', async () => {
    const directory = new MemoryDirectory({ configDomains: ['example.test'] });
    await directory.addAccount({ address: 'a@example.test', passwordHash: '{SHA512-CRYPT}$6$abc$def' });
    expect(await apopAvailability(directory, 0)()).toBe(false);
    await directory.addAccount({ address: 'b@example.test', passwordHash: '{PLAIN}pw', enabled: false });
    expect(await apopAvailability(directory, 0)()).toBe(false);
    await directory.updateAccount('b@example.test', { enabled: true });
    expect(await apopAvailability(directory, 0)()).toBe(true);
  });
});
