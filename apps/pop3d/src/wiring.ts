// The concrete collaborators pop3d runs with: the account directory and Authenticator with the Redis login
// throttle (@mail/auth), Maildir storage with change records published over Redis (@mail/maildir), the Redis
// session lock, and certificates (@mail/tls).
import type { Config } from '@mail/config';
import type { Logger } from '@mail/log';
import { Authenticator, filesDirectoryFromConfig, loginThrottleFromConfig, saslCapabilities, type Account, type Directory } from '@mail/auth';
import { AccountStores, createRedisNotifier, MaildirStore, type ChangeNotifier, type MailFolder } from '@mail/maildir';
import { closeRedis, createRedis, keyPrefix, waitReady, type RedisClient } from '@mail/queue';
import { createTlsProvider, type TlsProvider } from '@mail/tls';
import { Redis } from 'ioredis';
import { RedisMailboxLocks } from './lock.js';
import type { InboxOpener, Pop3Deps } from './ports.js';

/** The INBOX of an account at the path the directory gives (the account's own entry, else paths.mailboxes). */
export class MaildirInboxes implements InboxOpener {
  private readonly stores: AccountStores;

  constructor(store: MaildirStore, notifier: ChangeNotifier | undefined) {
    this.stores = new AccountStores(store, notifier);
  }

  async open(account: Account): Promise<MailFolder> {
    const mailbox = await this.stores.openMailbox(account);
    return mailbox.folder('INBOX');
  }

  close(): Promise<void> {
    return this.stores.close();
  }
}

/** Whether any enabled account has a stored password APOP can use ({PLAIN}); re-checked at most every `ttlMs`. */
export function apopAvailability(directory: Directory, ttlMs = 30_000): () => Promise<boolean> {
  let cached: { value: boolean; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.value;
    const accounts = await directory.listAccounts();
    const value = accounts.some((a) => a.enabled && saslCapabilities(a.passwordHash).includes('APOP'));
    cached = { value, at: Date.now() };
    return value;
  };
}

export interface Wiring {
  deps: Pop3Deps;
  tls: TlsProvider | undefined;
  close(): Promise<void>;
}

export async function wire(config: Config, log: Logger): Promise<Wiring> {
  const redis: RedisClient = createRedis(config.redis, { role: 'producer', connectionName: 'pop3d' });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  // Logins need Redis (throttle, session lock); wait a little for it, but serve anyway: it may come back.
  await waitReady(redis, 5000).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'redis not reachable yet; logins fail with [SYS/TEMP] until it is'));
  const directory = filesDirectoryFromConfig(config);
  const throttle = loginThrottleFromConfig(redis, config);
  const auth = new Authenticator({ directory, ...(throttle ? { throttle } : {}), log: log.child({ part: 'auth' }) });
  const notifier = redis instanceof Redis ? createRedisNotifier(redis) : undefined;
  const store = new MaildirStore({ location: config.paths.mailboxes, ...(notifier ? { notifier } : {}) });
  const inboxes = new MaildirInboxes(store, notifier);
  const locks = new RedisMailboxLocks(redis, { prefix: keyPrefix(config.redis), log: log.child({ part: 'lock' }) });

  let tls: TlsProvider | undefined;
  const close = async (): Promise<void> => {
    tls?.close();
    await inboxes.close();
    await notifier?.close();
    await closeRedis(redis);
  };
  try {
    if (config.pop3d.listeners.some((l) => l.tls !== 'none')) {
      tls = await createTlsProvider({ tls: config.tls, hostname: config.hostname, dataDir: config.paths.data, log: log.child({ part: 'tls' }) });
    }
  } catch (err) {
    await close();
    throw err;
  }
  const deps: Pop3Deps = {
    auth,
    accounts: directory,
    inboxes,
    locks,
    ...(tls ? { tls } : {}),
    apopAvailable: apopAvailability(directory),
  };
  return { deps, tls, close };
}
