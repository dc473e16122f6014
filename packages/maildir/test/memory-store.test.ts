// The MailStore contract run against the in-memory store.
import { MemoryStore } from '../src/memory-store.js';
import { specialUseContract } from './special-use-contract.js';
import { storeContract } from './store-contract.js';

storeContract('MemoryStore', async (options = {}) => ({
  store: new MemoryStore({ ...(options.quota ? { quota: options.quota } : {}), ...(options.separator ? { separator: options.separator } : {}) }),
  cleanup: async () => undefined,
}));

specialUseContract('MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => undefined }));
