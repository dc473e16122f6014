// Redis connections for the suite built from the config's `redis` section: single node, Sentinel or Cluster, tuned per role.
import type { Redis as RedisConfig } from '@mail/config';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { QueueError } from './errors.js';

export type { Redis as RedisConfig } from '@mail/config';

/** A connection to the suite's Redis: one node (possibly found through Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * What a connection is for.
 * - `worker`: BullMQ workers and anything that may block; commands wait (forever) for Redis to come back.
 * - `producer`: request/response users such as smtpd and mailctl; while Redis is down commands fail at once
 *   (no offline queue, one retry) so a client gets a 451 instead of a hanging transaction.
 */
export type RedisRole = 'worker' | 'producer';

export interface CreateRedisOptions {
  role: RedisRole;
  /** Shown in CLIENT LIST (e.g. "smtpd"); needs the ACL right to run CLIENT SETNAME. */
  connectionName?: string;
  /** Do not connect until the first command (or connect()); used by tests that only inspect options. */
  lazyConnect?: boolean;
}

/** The key prefix every key of the suite starts with: the configured prefix in a hash tag, e.g. `{mail}`. */
export function keyPrefix(redis: Pick<RedisConfig, 'prefix'> = { prefix: 'mail' }): string {
  const prefix = redis.prefix;
  if (!/^[A-Za-z0-9_.:-]+$/.test(prefix)) throw new QueueError(`invalid redis prefix ${JSON.stringify(prefix)}`);
  return `{${prefix}}`;
}

/** Reconnect with a growing pause (200 ms steps, at most 5 s), forever: daemons ride out a Redis restart. */
export function reconnectDelay(times: number): number {
  return Math.min(times * 200, 5000);
}

function roleOptions(role: RedisRole): RedisOptions {
  return role === 'worker'
    ? { maxRetriesPerRequest: null, enableOfflineQueue: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 };
}

interface UrlParts {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
}

function parseUrl(url: string): UrlParts {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueError(`redis.url is not a URL: ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueError(`redis.url must use redis:// or rediss://, not ${u.protocol}`);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw new QueueError(`redis.url names an invalid database: ${path}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

/** Options shared by every node connection: credentials (config overrides URL), TLS, role tuning, reconnects. */
function nodeOptions(config: RedisConfig, parts: UrlParts, options: CreateRedisOptions): RedisOptions {
  const o: RedisOptions = {
    ...roleOptions(options.role),
    retryStrategy: reconnectDelay,
    lazyConnect: options.lazyConnect ?? false,
  };
  const username = config.username ?? parts.username;
  const password = config.password ?? parts.password;
  if (username !== undefined) o.username = username;
  if (password !== undefined) o.password = password;
  if (parts.tls) o.tls = {};
  if (options.connectionName) o.connectionName = options.connectionName;
  return o;
}

/** The ioredis options for a Sentinel-managed master (exported for tests and `mailctl config check`). */
export function sentinelOptions(config: RedisConfig, options: CreateRedisOptions): RedisOptions {
  const sentinel = config.sentinel;
  if (!sentinel) throw new QueueError('redis.sentinel is not configured');
  const parts = parseUrl(config.url);
  const o: RedisOptions = {
    ...nodeOptions(config, parts, options),
    name: sentinel.name,
    sentinels: sentinel.sentinels.map((s) => ({ host: s.host, port: s.port })),
    db: parts.db,
    role: 'master',
    sentinelRetryStrategy: reconnectDelay,
  };
  if (sentinel.password !== undefined) o.sentinelPassword = sentinel.password;
  if (parts.tls) o.enableTLSForSentinelMode = true;
  return o;
}

/** The ioredis Cluster options (exported for tests). Cluster has no databases: a db in redis.url is refused. */
export function clusterOptions(config: RedisConfig, options: CreateRedisOptions): ClusterOptions {
  const parts = parseUrl(config.url);
  if (parts.db !== 0) throw new QueueError('Redis Cluster has only database 0; remove the database from redis.url');
  const { maxRetriesPerRequest, enableOfflineQueue, lazyConnect, ...redisOptions } = nodeOptions(config, parts, options);
  return {
    redisOptions: { ...redisOptions, maxRetriesPerRequest },
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: reconnectDelay,
    // Every key of the suite lives in one slot ({prefix}); reads go to masters so a job is never read stale.
    scaleReads: 'master',
    enableReadyCheck: true,
  };
}

/** The ioredis options for a single node given by redis.url (parsed here so config credentials override the URL's). */
export function singleOptions(config: RedisConfig, options: CreateRedisOptions): RedisOptions {
  const parts = parseUrl(config.url);
  return { ...nodeOptions(config, parts, options), host: parts.host, port: parts.port, db: parts.db };
}

/** A Redis (or Cluster) connection for `role`, from the config's `redis` section: cluster, else sentinel, else url. */
export function createRedis(config: RedisConfig, options: CreateRedisOptions): RedisClient {
  if (config.sentinel && config.cluster) throw new QueueError('redis.sentinel and redis.cluster cannot both be set');
  if (config.cluster) {
    return new Cluster(
      config.cluster.nodes.map((n) => ({ host: n.host, port: n.port })),
      clusterOptions(config, options),
    );
  }
  if (config.sentinel) return new Redis(sentinelOptions(config, options));
  return new Redis(singleOptions(config, options));
}

/** Resolves once `client` is connected and ready, rejecting after `timeoutMs` (the client keeps reconnecting). */
export async function waitReady(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error): void => {
      lastError = err;
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onEnd = (): void => {
      cleanup();
      reject(new QueueError('redis connection closed', { cause: lastError }));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new QueueError(`redis not ready after ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`, { cause: lastError }));
    }, timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
    client.once('end', onEnd);
  });
}

/** Closes a connection politely (QUIT), falling back to a hard disconnect when Redis does not answer. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await Promise.race([client.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  if ((client.status as string) !== 'end') client.disconnect();
}
