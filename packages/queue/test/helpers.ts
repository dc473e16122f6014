// Test fixtures: a real Redis with a prefix unique to the test, its config section, and sample jobs.
import { Redis as RedisSchema } from '@mail/config';
import { testRedis, type TestRedis } from '@mail/testing';
import type { DeliverJobInput, OutboundJobInput } from '../src/schemas.js';
import type { RedisConfig } from '../src/redis.js';

export interface Fixture {
  redis: TestRedis;
  config: RedisConfig;
}

export async function fixture(server?: TestRedis): Promise<Fixture> {
  const redis = server ?? (await testRedis());
  return { redis, config: RedisSchema.parse({ url: redis.url, prefix: redis.prefix }) };
}

export function deliverJob(spoolId: string, size: number, overrides: Partial<DeliverJobInput> = {}): DeliverJobInput {
  return {
    v: 1,
    spoolId,
    sender: 'alice@example.org',
    recipients: [{ address: 'bob@example.test' }],
    received: { at: new Date().toISOString(), clientAddress: '192.0.2.1', helo: 'client.example.org', protocol: 'ESMTPS' },
    size,
    messageId: '<1@example.org>',
    ...overrides,
  };
}

export function outboundJob(spoolId: string, size: number, overrides: Partial<OutboundJobInput> = {}): OutboundJobInput {
  return {
    v: 1,
    spoolId,
    sender: 'bob@example.test',
    recipients: [{ address: 'carol@example.net', notify: ['FAILURE', 'DELAY'] }],
    received: { at: new Date().toISOString(), clientAddress: '127.0.0.1', authUser: 'bob@example.test', protocol: 'ESMTPSA' },
    size,
    firstAttemptAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, stepMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
