// The MessageSink over @mail/queue: spools the message once under smtpd's queue id, then enqueues its deliver
// and/or outbound job in one transaction; accept() resolves only once Redis acknowledged both. Any failure
// answers 451 4.3.0 and leaves nothing half-queued (the spool entry is discarded unless the jobs may exist).
import type { Logger } from '@mail/log';
import { closeRedis, createRedis, EnqueueError, Producer, type RedisClient, type RedisConfig } from '@mail/queue';
import type { Envelope, MessageSink } from '../ports.js';
import { jobCount, jobsFor, MessageIdScanner } from './jobs.js';

export interface QueueSinkOptions {
  redis: RedisConfig;
  logger: Logger;
  /** How long a message waits for a Redis connection that is not ready before it is deferred. */
  readyTimeoutMs?: number;
}

export class QueueSink implements MessageSink {
  readonly client: RedisClient;
  private producer: Promise<Producer> | undefined;
  private closed = false;

  constructor(private readonly options: QueueSinkOptions) {
    // A producer connection: commands fail at once while Redis is down (no offline queue), and it reconnects.
    this.client = createRedis(options.redis, { role: 'producer', connectionName: 'smtpd' });
    this.client.on('error', (err: Error) => options.logger.warn({ err: err.message }, 'redis connection error'));
  }

  /** The producer, opened on first use; a failed open is tried again by the next message. */
  private open(): Promise<Producer> {
    if (this.closed) return Promise.reject(new Error('the message sink is closed'));
    this.producer ??= Producer.open({
      redis: this.options.redis,
      connection: this.client,
      connectionName: 'smtpd',
      logger: this.options.logger,
      readyTimeoutMs: this.options.readyTimeoutMs ?? 2000,
    }).catch((err: unknown) => {
      this.producer = undefined;
      throw err;
    });
    return this.producer;
  }

  /** Connects now, so that the first message does not wait; failure is only logged (messages get 451 meanwhile). */
  async warmUp(): Promise<boolean> {
    try {
      await this.open();
      return true;
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'mail queue not reachable yet: messages are deferred with 451 until it is');
      return false;
    }
  }

  async accept(envelope: Envelope, message: AsyncIterable<Buffer>): Promise<{ queueId: string }> {
    const producer = await this.open();
    const refs = jobCount(envelope);
    if (refs === 0) throw new Error('a message without recipients');
    const id = envelope.id;
    const scanner = new MessageIdScanner();
    let size = 0;
    const watched = (async function* () {
      for await (const piece of message) {
        scanner.feed(piece);
        size += piece.length;
        yield piece;
      }
    })();
    await producer.spool.put(watched, { id, refs });
    try {
      await producer.enqueue(jobsFor(envelope, { spoolId: id, size, messageId: scanner.messageId() }));
    } catch (err) {
      if (err instanceof EnqueueError && err.uncertain) {
        // The jobs may be in Redis: keep their message (a duplicate is better than a job without its message).
        this.options.logger.error({ err, id }, 'enqueue outcome unknown: spool entry kept');
        throw err;
      }
      await producer.spool.discard(id).catch((e: unknown) => this.options.logger.error({ err: e, id }, 'could not discard a spool entry'));
      throw err;
    }
    return { queueId: id };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const producer = await this.producer?.catch(() => undefined);
    await producer?.close();
    await closeRedis(this.client);
  }
}
