// The MailStore contract run against the Maildir store, one fresh directory tree per test.
import { tempDir } from '@mail/testing';
import { MaildirStore } from '../src/store.js';
import { specialUseContract } from './special-use-contract.js';
import { storeContract } from './store-contract.js';

storeContract('MaildirStore', async (options = {}) => {
  const dir = await tempDir('maildir-contract-');
  const store = new MaildirStore({
    location: `${dir.path}/%d/%n/Maildir`,
    ...(options.quota ? { quota: options.quota } : {}),
    ...(options.separator ? { separator: options.separator } : {}),
  });
  return { store, cleanup: () => dir.cleanup() };
});

specialUseContract('MaildirStore', async () => {
  const dir = await tempDir('maildir-special-use-');
  return { store: new MaildirStore({ location: `${dir.path}/%d/%n/Maildir` }), cleanup: () => dir.cleanup() };
});
