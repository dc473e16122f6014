import { MemoryDirectory } from './memory.js';
import { directoryContract } from './test-contract.js';

directoryContract('MemoryDirectory', {
  make: async () =>
    new MemoryDirectory({
      configDomains: ['config.test'],
      aliases: { postmaster: ['root'], root: ['admin@example.test'] },
      mailboxTemplate: '/srv/mail/%d/%n',
    }),
});
