// The concrete collaborators imapd runs with: the account directory and Authenticator with the Redis login
// throttle (@mail/auth), Maildir storage whose change records cross processes over Redis pub/sub
// (@mail/maildir), and certificates (@mail/tls).
import { resolve } from 'node:path';
import type { Config } from '@mail/config';
import type { Logger } from '@mail/log';
import { Authenticator, filesDirectoryFromConfig, loginThrottleFromConfig, type Account } from '@mail/auth';
import { createRedisNotifier, MaildirStore, type ChangeNotifier, type Mailbox } from '@mail/maildir';
import { closeRedis, createRedis, type RedisClient } from '@mail/queue';
import { createTlsProvider, type TlsProvider } from '@mail/tls';
import { Redis } from 'ioredis';
import type { ImapdDeps, MailboxProvider } from './context.js';

const MAX_EXTRA_STORES = 256;

/** Folders of an account at the path the directory gives (its own entry, else paths.mailboxes). */
export class MaildirMailboxes implements MailboxProvider {
  private readonly extra = new Map<string, MaildirStore>();

  constructor(
    private readonly store: MaildirStore,
    private readonly notifier: ChangeNotifier | undefined,
  ) {}

  private storeFor(account: Account): MaildirStore {
    const own = resolve(account.mailbox);
    let templated: string | undefined;
    try {
      templated = this.store.rootOf(account.address);
    } catch {
      templated = undefined;
    }
    if (templated === own) return this.store;
    let store = this.extra.get(own);
    if (store) this.extra.delete(own);
    else {
      store = new MaildirStore({ location: own.replace(/%/g, '%%'), separator: this.store.separator, ...(this.notifier ? { notifier: this.notifier } : {}) });
      if (this.extra.size >= MAX_EXTRA_STORES) {
        const [oldest, old] = this.extra.entries().next().value as [string, MaildirStore];
        this.extra.delete(oldest);
        void old.close();
      }
    }
    this.extra.set(own, store);
    return store;
  }

  open(account: Account): Promise<Mailbox> {
    return this.storeFor(account).openMailbox(account.address);
  }

  subscribe(account: string, listener: Parameters<MaildirStore['subscribe']>[1]): () => void {
    return this.store.subscribe(account, listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.extra.values()].map((s) => s.close()));
    this.extra.clear();
    await this.store.close();
  }
}

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
  const mailboxes = new MaildirMailboxes(store, notifier);
  let tls: TlsProvider | undefined;
  const close = async (): Promise<void> => {
    tls?.close();
    await mailboxes.close();
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
  };
  return { deps, close };
}
