// The concrete collaborators smtpd runs with when none are given: TLS from @mail/tls, the account directory and
// SASL from @mail/auth, reverse DNS from the system resolver. The message sink is not wired to the queue yet:
// until it is, every message gets 451 4.3.0 (the client keeps it and retries) and a warning is logged at start.
import { Resolver } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import type { Config } from '@mail/config';
import type { Logger } from '@mail/log';
import { Authenticator, createMechanism, filesDirectoryFromConfig, mechanismNames, type Directory } from '@mail/auth';
import { newSpoolId } from '@mail/queue';
import { createTlsProvider } from '@mail/tls';
import type { SessionDeps } from './context.js';
import type { MessageSink, RecipientPolicy, ReverseResolver, SaslProvider } from './ports.js';
import { Enhanced, Reply } from './protocol/codes.js';
import { reply } from './protocol/reply.js';

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

/** SASL over the directory's passwords (PLAIN and LOGIN by default; only under TLS unless allowed). */
export function directorySasl(directory: Directory, hostname: string, log: Logger): SaslProvider {
  const authenticator = new Authenticator({ directory, log });
  return {
    mechanisms: (c) => mechanismNames({ tls: c.tls, loopback: c.loopback, allowInsecure: c.allowInsecure }),
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

/** Until the queue is wired: every message is deferred with 451, never lost. */
export const unavailableSink: MessageSink = {
  async accept() {
    throw reply(Reply.LocalError, Enhanced.TempLocalError, 'Error: mail queue not available, try again later');
  },
};

/** Builds the collaborators that `have` does not provide. */
export async function defaultDeps(config: Config, log: Logger, have: Partial<SessionDeps>): Promise<SessionDeps> {
  let directory: Directory | undefined;
  const dir = (): Directory => (directory ??= filesDirectoryFromConfig(config));
  let tls = have.tls;
  const wantsTls = config.smtpd.listeners.some((l) => l.tls !== 'none');
  if (!tls && wantsTls && (config.tls.cert || config.tls.selfSigned)) {
    tls = await createTlsProvider({ tls: config.tls, hostname: config.hostname, dataDir: config.paths.data, log: log.child({ part: 'tls' }) });
  } else if (!tls && wantsTls) {
    log.warn('no certificate configured (tls.cert/tls.key or tls.selfSigned): STARTTLS is not offered');
  }
  const sink = have.sink ?? unavailableSink;
  if (sink === unavailableSink) log.warn('no mail queue wired: messages are refused with 451 4.3.0');
  return {
    sink,
    recipients: have.recipients ?? directoryPolicy(dir()),
    sasl: have.sasl ?? directorySasl(dir(), config.hostname, log.child({ part: 'auth' })),
    loginGate: have.loginGate,
    tls,
    resolver: have.resolver ?? systemResolver(),
    newQueueId: have.newQueueId ?? (() => newSpoolId()),
    now: have.now ?? (() => new Date()),
  };
}
