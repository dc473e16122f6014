// queue-runner: start(config) wires the outbound worker to routing, DNS, the SMTP client, DKIM and DSNs; returns a
// handle that stops it (running deliveries finish first).
import type { ConnectionOptions } from 'node:tls';
import { filesDirectoryFromConfig } from '@mail/auth';
import type { Config, Daemon } from '@mail/config';
import type { Logger } from '@mail/log';
import { createWorker, Producer, type WorkerOptions } from '@mail/queue';
import { DkimSigner } from './dkim.js';
import { Bouncer, type LocalDomains } from './delivery/bounce.js';
import type { DestinationContext } from './delivery/destination.js';
import { createHandler } from './delivery/handler.js';
import { KeyedLimits, Semaphore, SessionCache } from './delivery/limits.js';
import { createResolver, type DnsResolver } from './routing/mx.js';
import { Router } from './routing/router.js';
import { loadSaslPasswords, type SaslCredentials } from './routing/sasl-passwords.js';
import { TransportMap } from './routing/transport-map.js';

export { DkimSigner, fromDomain, DkimError } from './dkim.js';
export { Router, type Route, type SmtpRoute } from './routing/router.js';
export { TransportMap } from './routing/transport-map.js';
export { parseNexthop, parseTransport, nexthopKey, toALabel, NexthopSyntaxError, type SmtpNexthop, type Transport } from './routing/nexthop.js';
export { parseSaslPasswords, loadSaslPasswords, SaslPasswordsError, type SaslCredentials } from './routing/sasl-passwords.js';
export { lookupMx, orderMx, isNullMx, resolveAddresses, createResolver, dnsServerAddress, DnsTemporaryError, type DnsResolver, type MxHost, type MxResult } from './routing/mx.js';
export { classify, replyText, statusOf, parseEhlo, ReplyAssembler, type SmtpReply } from './smtp/reply.js';
export { dotStuff, sendMessage, type Envelope, type RecipientResult } from './smtp/transaction.js';
export { SmtpSession, SmtpSessionError, type SessionOptions, type TlsLevel } from './smtp/session.js';

/** Settings that the configuration does not carry: for tests and embedding. */
export interface StartOptions {
  resolver?: DnsResolver;
  /** Directory used to tell local sender domains (default: the files directory of the configuration). */
  domains?: LocalDomains;
  /** Per-reply timeout of the SMTP client (default 5 minutes). */
  commandTimeout?: number;
  /** How long an idle connection is kept for the next message to the same host (default 2 s, as Postfix). */
  sessionIdleMs?: number;
  tlsOptions?: ConnectionOptions;
  worker?: Partial<Omit<WorkerOptions, 'redis'>>;
}

export async function start(config: Config, log: Logger, options: StartOptions = {}): Promise<Daemon> {
  const qr = config.queueRunner;
  const transport = TransportMap.parse(qr.transport);
  const sasl: Map<string, SaslCredentials> = qr.saslPasswords ? await loadSaslPasswords(qr.saslPasswords) : new Map();
  const router = new Router({ transport, ...(qr.relayhost ? { relayhost: qr.relayhost } : {}), sasl, tls: qr.tls, tlsPolicy: qr.tlsPolicy });
  const probe = qr.relayhost ? router.route('postmaster@relayhost.invalid') : undefined;
  if (probe?.kind === 'smtp' && probe.relay && !probe.credentials) log.info({ relayhost: qr.relayhost }, 'no saslPasswords entry for the relayhost: sending without AUTH');
  const directory = options.domains ?? filesDirectoryFromConfig(config);
  const producer = await Producer.open({ redis: config.redis, connectionName: 'queue-runner', logger: log });
  const sessions = new SessionCache(options.sessionIdleMs ?? 2_000);
  const destinations: DestinationContext = {
    resolver: options.resolver ?? createResolver(qr.dnsServers),
    ehloName: config.hostname,
    ...(qr.sourceAddress ? { localAddress: qr.sourceAddress } : {}),
    connectTimeout: qr.connectTimeout,
    commandTimeout: options.commandTimeout ?? 300_000,
    global: new Semaphore(qr.concurrency),
    perDestination: new KeyedLimits(qr.perDomainConcurrency),
    sessions,
    maxAddresses: 5,
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  };
  const schedule = { first: qr.retrySchedule.first, max: qr.retrySchedule.max, giveUp: qr.retrySchedule.giveUp, ...(qr.retrySchedule.delayWarning !== undefined ? { delayWarning: qr.retrySchedule.delayWarning } : {}) };
  const handler = createHandler({
    router,
    destinations,
    bouncer: new Bouncer({ producer, spool: producer.spool, domains: directory, hostname: config.hostname, log }),
    producer,
    dkim: new DkimSigner(config.paths.dkim, qr.dkimSelector, log),
    schedule,
    log,
  });
  const worker = createWorker('outbound', handler, {
    redis: config.redis,
    concurrency: qr.concurrency,
    retrySchedule: schedule,
    logger: log,
    connectionName: 'queue-runner',
    ...options.worker,
  });
  try {
    await worker.waitUntilReady();
  } catch (err) {
    await worker.close(true).catch(() => undefined);
    await producer.close();
    throw err;
  }
  log.info({ concurrency: qr.concurrency, relayhost: qr.relayhost ?? null, transports: transport.size }, 'outbound worker ready');
  return {
    async stop() {
      await worker.close();
      await sessions.closeAll();
      await producer.close();
    },
  };
}
