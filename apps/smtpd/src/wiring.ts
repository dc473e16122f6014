// The concrete collaborators smtpd runs with when none are given: TLS from @mail/tls, the account directory,
// SASL and login throttling from @mail/auth, the spool and queues of @mail/queue, reverse DNS from the system resolver.
import { Resolver } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import type { Config } from '@mail/config';
import type { Logger } from '@mail/log';
import { Authenticator, createMechanism, filesDirectoryFromConfig, loginThrottleFromConfig, mechanismNames, type Directory, type LoginThrottle } from '@mail/auth';
import { closeRedis, createRedis, newSpoolId, type RedisClient } from '@mail/queue';
import { createTlsProvider } from '@mail/tls';
import type { SessionDeps } from './context.js';
import type { LoginGate, RecipientPolicy, ReverseResolver, SaslProvider } from './ports.js';
import { throttleGate } from './queue/gate.js';
import { QueueSink } from './queue/sink.js';

/** Recipient checks over the account directory: aliases, catch-alls and plus-addressing are resolved there. */
export function directoryPolicy(directory: Directory): RecipientPolicy {
  return {
    isLocalDomain: (domain) => directory.isLocalDomain(domain),
    async resolve(address) {
      const r = await directory.resolve(address);
      if (r.error) throw new Error(`alias expansion of ${address} stopped: ${r.error.message}`);
      return r.local.length > 0 || r.remote.length > 0 ? 'local' : 'unknown';
    },
    async ownsSender(account, address) {
      if (account.toLowerCase() === address.toLowerCase()) return true;
      const r = await directory.resolve(address);
      return !r.error && r.local.some((l) => l.account.address.toLowerCase() === account.toLowerCase());
    },
    async expand(address) {
      const r = await directory.resolve(address);
      if (r.error) return undefined;
      const targets = [...r.local.map((l) => l.account.address), ...r.remote];
      return targets.length === 1 && targets[0]?.toLowerCase() === address.toLowerCase() ? undefined : targets;
    },
  };
}

/**
 * SASL over the directory's passwords (`enabled`, auth.mechanisms, else PLAIN and LOGIN; plaintext ones only under
 * TLS unless allowed). With a throttle, each login is checked and counted per client address and per login name, and
 * failures wait their delay.
 */
export function directorySasl(directory: Directory, hostname: string, log: Logger, throttle?: LoginThrottle, enabled?: readonly string[]): SaslProvider {
  const authenticator = new Authenticator({ directory, log, ...(throttle ? { throttle } : {}) });
  return {
    mechanisms: (c) => mechanismNames({ tls: c.tls, loopback: c.loopback, allowInsecure: c.allowInsecure, ...(enabled ? { enabled } : {}) }),
    create: (name, c) => createMechanism(name, authenticator.forClient({ remoteIp: c.ip }), { hostname }),
  };
}

/** Forward-confirmed reverse DNS (Postfix's "unknown" when the name does not resolve back to the address). */
export function systemResolver(timeoutMs = 3000): ReverseResolver {
  const dns = new Resolver({ timeout: timeoutMs, tries: 2 });
  return {
    async lookup(ip) {
      try {
        const [name] = await dns.reverse(ip);
        if (!name) return undefined;
        const forward = isIPv4(ip) ? await dns.resolve4(name) : await dns.resolve6(name);
        return forward.includes(ip) ? name : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export interface Wired {
  deps: SessionDeps;
  /** Closes what was built here (Redis connections); collaborators that were given are left alone. */
  close(): Promise<void>;
}

/** Builds the collaborators that `have` does not provide. */
export async function defaultDeps(config: Config, log: Logger, have: Partial<SessionDeps>): Promise<Wired> {
  let directory: Directory | undefined;
  const dir = (): Directory => (directory ??= filesDirectoryFromConfig(config));
  let tls = have.tls;
  const wantsTls = config.smtpd.listeners.some((l) => l.tls !== 'none');
  if (!tls && wantsTls && (config.tls.cert || config.tls.selfSigned)) {
    tls = await createTlsProvider({ tls: config.tls, hostname: config.hostname, dataDir: config.paths.data, log: log.child({ part: 'tls' }) });
  } else if (!tls && wantsTls) {
    log.warn('no certificate configured (tls.cert/tls.key or tls.selfSigned): STARTTLS is not offered');
  }
  const closers: Array<() => Promise<void>> = [];
  let redis: RedisClient | undefined;
  let sink = have.sink;
  if (!sink) {
    const queue = new QueueSink({ redis: config.redis, logger: log.child({ part: 'queue' }) });
    closers.push(() => queue.close());
    await queue.warmUp();
    redis = queue.client;
    sink = queue;
  }
  // Failed logins: the directory's SASL counts them per address and login name (shared with pop3d and imapd);
  // the gate refuses a locked-out address before the exchange, and counts failures itself only for a given SASL.
  let throttle: LoginThrottle | undefined;
  if (config.auth.throttle.enabled && (!have.sasl || !have.loginGate)) {
    if (!redis) {
      const own = createRedis(config.redis, { role: 'producer', connectionName: 'smtpd-auth' });
      own.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error (login throttling)'));
      closers.push(() => closeRedis(own));
      redis = own;
    }
    throttle = loginThrottleFromConfig(redis, config);
  }
  const authLog = log.child({ part: 'auth' });
  const loginGate: LoginGate | undefined = have.loginGate ?? (throttle ? throttleGate(throttle, { log: authLog, recordOutcomes: have.sasl !== undefined }) : undefined);
  return {
    deps: {
      sink,
      recipients: have.recipients ?? directoryPolicy(dir()),
      sasl: have.sasl ?? directorySasl(dir(), config.hostname, authLog, throttle, config.auth.mechanisms),
      loginGate,
      tls,
      resolver: have.resolver ?? systemResolver(),
      newQueueId: have.newQueueId ?? (() => newSpoolId()),
      now: have.now ?? (() => new Date()),
    },
    async close() {
      for (const c of closers.reverse()) await c();
    },
  };
}
