import { Redis as RedisSchema } from '@mail/config';
import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { QueueError } from './errors.js';
import { createRedis, keyPrefix, reconnectDelay } from './redis.js';

const config = (input: Record<string, unknown>) => RedisSchema.parse(input);

describe('keyPrefix', () => {
  it('wraps the configured prefix in a hash tag', () => {
    expect(keyPrefix(config({}))).toBe('{mail}');
    expect(keyPrefix(config({ prefix: 'site-a' }))).toBe('{site-a}');
  });
  it('refuses braces and spaces', () => {
    expect(() => keyPrefix({ prefix: 'a}b' })).toThrow(QueueError);
  });
});

describe('createRedis', () => {
  it('single node: worker connections retry forever and queue while offline', () => {
    const c = createRedis(config({ url: 'redis://127.0.0.1:6390/2' }), { role: 'worker', lazyConnect: true });
    expect(c).toBeInstanceOf(Redis);
    const o = (c as Redis).options;
    expect(o.host).toBe('127.0.0.1');
    expect(o.port).toBe(6390);
    expect(o.db).toBe(2);
    expect(o.maxRetriesPerRequest).toBeNull();
    expect(o.enableOfflineQueue).toBe(true);
    expect(o.keyPrefix ?? '').toBe('');
    c.disconnect();
  });

  it('single node: producer connections fail fast, credentials from config override the URL', () => {
    const c = createRedis(config({ url: 'rediss://u1:p1@redis.example.test:6380', username: 'mail', password: 's3cret' }), {
      role: 'producer',
      lazyConnect: true,
      connectionName: 'smtpd',
    }) as Redis;
    expect(c.options.enableOfflineQueue).toBe(false);
    expect(c.options.maxRetriesPerRequest).toBe(1);
    expect(c.options.username).toBe('mail');
    expect(c.options.password).toBe('s3cret');
    expect(c.options.tls).toBeTruthy();
    expect(c.options.connectionName).toBe('smtpd');
    c.disconnect();
  });

  it('single node: URL credentials are used when the config has none', () => {
    const c = createRedis(config({ url: 'redis://u1:p%401@127.0.0.1:6390' }), { role: 'producer', lazyConnect: true }) as Redis;
    expect(c.options.username).toBe('u1');
    expect(c.options.password).toBe('p@1');
    expect(c.options.tls).toBeFalsy();
    c.disconnect();
    const v6 = createRedis(config({ url: 'redis://[::1]' }), { role: 'producer', lazyConnect: true }) as Redis;
    expect([v6.options.host, v6.options.port, v6.options.db]).toEqual(['::1', 6379, 0]);
    v6.disconnect();
  });

  it('sentinel: master group, sentinels, both passwords, database from the URL', () => {
    const c = createRedis(
      config({
        url: 'redis://ignored:6379/3',
        password: 'masterpw',
        sentinel: { name: 'mymaster', password: 'sentinelpw', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }] },
      }),
      { role: 'worker', lazyConnect: true },
    ) as Redis;
    expect(c).toBeInstanceOf(Redis);
    const o = c.options;
    expect(o.name).toBe('mymaster');
    expect(o.role).toBe('master');
    expect(o.sentinels).toEqual([{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }]);
    expect(o.sentinelPassword).toBe('sentinelpw');
    expect(o.password).toBe('masterpw');
    expect(o.db).toBe(3);
    expect(o.maxRetriesPerRequest).toBeNull();
    expect(typeof o.sentinelRetryStrategy).toBe('function');
    c.disconnect();
  });

  it('cluster: seed nodes, per-node options, offline queue at the cluster level', () => {
    const c = createRedis(
      config({ password: 'pw', cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }] } }),
      { role: 'producer', lazyConnect: true },
    ) as Cluster;
    expect(c).toBeInstanceOf(Cluster);
    const startupNodes = (c as unknown as { startupNodes: Array<{ host: string; port: number }> }).startupNodes;
    expect(startupNodes.map((n) => `${n.host}:${n.port}`)).toEqual(['127.0.0.1:7000', '127.0.0.1:7001']);
    expect(c.options.enableOfflineQueue).toBe(false);
    expect(c.options.scaleReads).toBe('master');
    expect(c.options.redisOptions?.password).toBe('pw');
    expect(c.options.redisOptions?.maxRetriesPerRequest).toBe(1);
    expect(c.options.redisOptions?.keyPrefix ?? '').toBe('');
    c.disconnect();
    const w = createRedis(config({ cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }] } }), { role: 'worker', lazyConnect: true }) as Cluster;
    expect(w.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    expect(w.options.enableOfflineQueue).toBe(true);
    w.disconnect();
  });

  it('refuses contradictory or impossible settings', () => {
    const nodes = [{ host: '127.0.0.1', port: 7000 }];
    const both = { ...config({}), cluster: { nodes }, sentinel: { name: 'm', sentinels: nodes } };
    expect(() => createRedis(both, { role: 'worker', lazyConnect: true })).toThrow(QueueError);
    expect(() => createRedis({ ...config({}), url: 'redis://h/1', cluster: { nodes } }, { role: 'worker', lazyConnect: true })).toThrow(/database/);
    expect(() => createRedis({ ...config({}), url: 'http://h' }, { role: 'worker', lazyConnect: true })).toThrow(/redis:\/\//);
    expect(() => createRedis({ ...config({}), url: 'not a url' }, { role: 'worker', lazyConnect: true })).toThrow(QueueError);
  });

  it('reconnects with a growing, bounded delay', () => {
    expect([1, 2, 10, 100].map(reconnectDelay)).toEqual([200, 400, 2000, 5000]);
  });
});
