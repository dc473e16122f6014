// The MailStore contract run against the in-memory store.
import { MemoryStore } from '../src/memory-store.js';
import { storeContract } from './store-contract.js';

storeContract('MemoryStore', async (options = {}) => ({
  store: new MemoryStore({ ...(options.quota ? { quota: options.quota } : {}), ...(options.separator ? { separator: options.separator } : {}) }),
  cleanup: async () => undefined,
}));
