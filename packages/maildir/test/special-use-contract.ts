// The special-use behaviour every MailStore must have (RFC 6154 CREATE-SPECIAL-USE), run against MaildirStore and
// MemoryStore beside the main contract.
import { describe, expect, it } from 'vitest';
import type { MailStore } from '../src/api.js';
import { MailboxExistsError, SpecialUseError } from '../src/errors.js';

const ALICE = 'alice@example.test';

export function specialUseContract(name: string, make: () => Promise<{ store: MailStore; cleanup(): Promise<void> }>): void {
  const withStore = (fn: (store: MailStore) => Promise<void>) => async () => {
    const fx = await make();
    try {
      await fn(fx.store);
    } finally {
      await fx.store.close();
      await fx.cleanup();
    }
  };
  const uses = async (store: MailStore): Promise<Array<[string, string | undefined]>> =>
    (await (await store.openMailbox(ALICE)).listFolders('', '*')).map((f) => [f.name, f.specialUse]);

  describe(`${name}: special use of new folders`, () => {
    it('gives a new folder the use asked for, which then stands for that use', withStore(async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Sent Items', { specialUse: ['\\Sent'] });
      const listed = (await mb.listFolders('', 'Sent Items'))[0];
      expect(listed).toMatchObject({ name: 'Sent Items', specialUse: '\\Sent' });
      expect(listed?.attributes).toContain('\\Sent');
      expect(await mb.specialUseFolder('\\Sent')).toBe('Sent Items');
      // The configured "Sent" was not created, and a folder of that name later is an ordinary one.
      await mb.createFolder('Sent');
      expect(await uses(store)).toEqual([['INBOX', undefined], ['Sent', undefined], ['Sent Items', '\\Sent']]);
    }));

    it('refuses unsupported, several, and taken uses without creating the folder', withStore(async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Drafts');
      await mb.createFolder('Mine', { specialUse: ['\\Junk'] });
      await expect(mb.createFolder('All Mail', { specialUse: ['\\All'] })).rejects.toThrow(SpecialUseError);
      await expect(mb.createFolder('Odd', { specialUse: ['\\Important'] })).rejects.toThrow(SpecialUseError);
      await expect(mb.createFolder('Two', { specialUse: ['\\Trash', '\\Archive'] })).rejects.toThrow(SpecialUseError);
      // Taken by the configured name that exists, and by a folder given the use.
      await expect(mb.createFolder('My Drafts', { specialUse: ['\\Drafts'] })).rejects.toThrow(SpecialUseError);
      await expect(mb.createFolder('Spam', { specialUse: ['\\Junk'] })).rejects.toThrow(SpecialUseError);
      await expect(mb.createFolder('Mine', { specialUse: ['\\Trash'] })).rejects.toThrow(MailboxExistsError);
      expect(await uses(store)).toEqual([['INBOX', undefined], ['Drafts', '\\Drafts'], ['Mine', '\\Junk']]);
    }));

    it('keeps the use through a rename and frees it with a delete', withStore(async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Old/Bin', { specialUse: ['\\Trash'] });
      await mb.renameFolder('Old', 'New');
      expect(await uses(store)).toEqual([['INBOX', undefined], ['New', undefined], ['New/Bin', '\\Trash']]);
      await mb.deleteFolder('New/Bin');
      await mb.createFolder('Bin', { specialUse: ['\\Trash'] });
      await mb.createFolder('New/Bin');
      expect(await uses(store)).toEqual([['INBOX', undefined], ['Bin', '\\Trash'], ['New', undefined], ['New/Bin', undefined]]);
    }));
  });
}
