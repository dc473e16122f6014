// The `paths` section of a throwaway suite: everything below one directory.
import { join } from 'node:path';

export interface SuitePaths {
  data: string;
  mailboxes: string;
  users: string;
  domains: string;
  aliases: string;
  virtual: string;
  dkim: string;
}

/** data/, mail/%d/%n/Maildir and etc/{users,domains,aliases,virtual,dkim} below `root` (nothing is created). */
export function suitePaths(root: string): SuitePaths {
  const etc = join(root, 'etc');
  return {
    data: join(root, 'data'),
    mailboxes: join(root, 'mail/%d/%n/Maildir'),
    users: join(etc, 'users'),
    domains: join(etc, 'domains'),
    aliases: join(etc, 'aliases'),
    virtual: join(etc, 'virtual'),
    dkim: join(etc, 'dkim'),
  };
}
