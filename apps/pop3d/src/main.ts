// pop3d: start(config, log) builds the account directory, logins with Redis throttling, Maildir storage, the
// session lock and TLS, binds the listeners of config.pop3d, and returns a handle that stops them all.
import type { AddressInfo } from 'node:net';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { Pop3Server } from './server.js';
import { settingsFromConfig } from './settings.js';
import { wire } from './wiring.js';

export interface Pop3Daemon extends Daemon {
  /** The bound addresses, in the order of config.pop3d.listeners. */
  addresses(): AddressInfo[];
}

/** RFC 1939 §3: an inactivity timer, if any, must be at least 10 minutes. */
const RFC_MIN_IDLE = 10 * 60_000;

export async function start(config: Config, log: Logger): Promise<Pop3Daemon> {
  const settings = settingsFromConfig(config);
  if (settings.idleTimeoutMs < RFC_MIN_IDLE) log.warn({ idleTimeout: settings.idleTimeoutMs }, 'limits.idleTimeout is below the 10 minutes RFC 1939 asks for');
  const wiring = await wire(config, log);
  const server = new Pop3Server({
    deps: wiring.deps,
    settings,
    log,
    ...(wiring.tls ? { tls: wiring.tls } : {}),
    maxConnections: config.limits.connections,
    maxPerIp: config.limits.connectionsPerIp,
  });
  try {
    await server.listen(config.pop3d.listeners);
  } catch (err) {
    await wiring.close();
    throw err;
  }
  return {
    addresses: () => server.addresses(),
    async stop() {
      await server.stop();
      await wiring.close();
    },
  };
}

export { Pop3Server, clientAddress, type ListenerSpec, type ServerOptions } from './server.js';
export { Pop3Session, type SessionOptions } from './session.js';
export { DEFAULT_SETTINGS, settingsFromConfig, type Pop3Settings } from './settings.js';
export type { AccountLookup, InboxOpener, MailboxLock, MailboxLocks, Pop3Authenticator, Pop3Deps, TlsUpgrader } from './ports.js';
export { MemoryMailboxLocks, RedisMailboxLocks, type RedisLockOptions } from './lock.js';
export { MaildirInboxes, apopAvailability } from './wiring.js';
export { Maildrop, type MaildropEntry, type UpdateResult } from './maildrop.js';
export { uidlOf } from './uidl.js';
export { MessageEncoder, type EncoderOptions } from './protocol/message-encoder.js';
