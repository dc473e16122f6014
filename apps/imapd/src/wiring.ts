// The concrete collaborators imapd runs with: the account directory and Authenticator with the Redis login
// throttle (@mail/auth), Maildir storage whose change records cross processes over Redis pub/sub
// (@mail/maildir), and certificates (@mail/tls).
import type { Config } from '@mail/config';
import type { Logger } from '@mail/log';
import { Authenticator, filesDirectoryFromConfig, loginThrottleFromConfig } from '@mail/auth';
import { AccountStores, createRedisNotifier, MaildirStore } from '@mail/maildir';
import { closeRedis, createRedis, keyPrefix, type RedisClient } from '@mail/queue';
import { createTlsProvider, type TlsProvider } from '@mail/tls';
import { Redis } from 'ioredis';
import type { ImapdDeps, MailboxProvider } from './context.js';
import { RedisUserSessions } from './user-sessions.js';

export interface Wiring {
  deps: ImapdDeps;
  close(): Promise<void>;
}

export async function wire(config: Config, log: Logger): Promise<Wiring> {
  const redis: RedisClient = createRedis(config.redis, { role: 'producer', connectionName: 'imapd' });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  const directory = filesDirectoryFromConfig(config);
  const throttle = loginThrottleFromConfig(redis, config);
  const authenticator = new Authenticator({ directory, ...(throttle ? { throttle } : {}), log: log.child({ part: 'auth' }) });
  const notifier = redis instanceof Redis ? createRedisNotifier(redis) : undefined;
  const store = new MaildirStore({ location: config.paths.mailboxes, separator: config.imapd.hierarchySeparator, ...(notifier ? { notifier } : {}) });
  // Folders of an account at the path the directory gives (its own entry, else paths.mailboxes).
  const stores = new AccountStores(store, notifier);
  const mailboxes: MailboxProvider = {
    open: (account) => stores.openMailbox(account),
    subscribe: (account, listener) => stores.subscribe(account, listener),
  };
  const userSessions = new RedisUserSessions(redis, { prefix: keyPrefix(config.redis), max: config.limits.connectionsPerUser, log: log.child({ part: 'sessions' }) });
  let tls: TlsProvider | undefined;
  const close = async (): Promise<void> => {
    tls?.close();
    await userSessions.close();
    await stores.close();
    await notifier?.close();
    await closeRedis(redis);
  };
  try {
    if (config.imapd.listeners.some((l) => l.tls !== 'none') && (config.tls.cert || config.tls.selfSigned)) {
      tls = await createTlsProvider({ tls: config.tls, hostname: config.hostname, dataDir: config.paths.data, log: log.child({ part: 'tls' }) });
    }
  } catch (err) {
    await close();
    throw err;
  }
  const deps: ImapdDeps = {
    accounts: {
      login: (user, password, ctx) => authenticator.login(user, password, ctx),
      forClient: (ctx) => authenticator.forClient(ctx),
      account: (address) => directory.findAccount(address),
    },
    mailboxes,
    tls,
    userSessions,
    ...(config.auth.mechanisms ? { saslMechanisms: config.auth.mechanisms } : {}),
  };
  return { deps, close };
}
