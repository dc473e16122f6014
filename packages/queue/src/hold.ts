// Held jobs (postsuper -h): a hash per queue of job ids an administrator put on hold; workers park such jobs instead of running them.
import type { QueueName } from './names.js';
import type { RedisClient } from './redis.js';

/** A held job is parked in the delayed set for this long and then re-checked (self-healing should a release be missed). */
export const HOLD_PARK_MS = 24 * 3_600_000;

export interface HoldRecord {
  /** When the job was put on hold. */
  at: string;
  reason?: string;
}

export class Holds {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  key(queue: QueueName): string {
    return `${this.prefix}:held:${queue}`;
  }

  /** Marks a job held; returns false when it already was. */
  async hold(queue: QueueName, id: string, reason?: string): Promise<boolean> {
    const record: HoldRecord = { at: new Date().toISOString(), ...(reason ? { reason } : {}) };
    return (await this.client.hsetnx(this.key(queue), id, JSON.stringify(record))) === 1;
  }

  /** Clears the mark; returns false when the job was not held. */
  async unhold(queue: QueueName, id: string): Promise<boolean> {
    return (await this.client.hdel(this.key(queue), id)) === 1;
  }

  async isHeld(queue: QueueName, id: string): Promise<boolean> {
    return (await this.client.hexists(this.key(queue), id)) === 1;
  }

  async get(queue: QueueName, id: string): Promise<HoldRecord | undefined> {
    const raw = await this.client.hget(this.key(queue), id);
    return raw ? parseRecord(raw) : undefined;
  }

  /** Every held job of a queue with its record. */
  async all(queue: QueueName): Promise<Map<string, HoldRecord>> {
    const raw = await this.client.hgetall(this.key(queue));
    return new Map(Object.entries(raw).map(([id, value]) => [id, parseRecord(value)]));
  }
}

function parseRecord(raw: string): HoldRecord {
  try {
    const v = JSON.parse(raw) as Partial<HoldRecord>;
    return { at: typeof v.at === 'string' ? v.at : '', ...(typeof v.reason === 'string' ? { reason: v.reason } : {}) };
  } catch {
    return { at: '' };
  }
}
