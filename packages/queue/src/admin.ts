// Queue administration for `mailctl queue` (what postqueue/postsuper do): list, show, delete, flush, hold, release, requeue, spool sweep.
import type { Job, Queue } from 'bullmq';
import { openQueue } from './bull.js';
import { JobActiveError, JobNotFoundError, QueueError } from './errors.js';
import { Holds, type HoldRecord } from './hold.js';
import { isQueueName, QUEUE_NAMES, queueOfJobId, type QueueName } from './names.js';
import { closeRedis, createRedis, keyPrefix, waitReady, type RedisClient, type RedisConfig } from './redis.js';
import { Spool } from './spool.js';
import { sweepSpool, type SweepResult } from './sweep.js';
import { BULL_STATES, detail, JOB_STATES, stateOf, summarize, type JobDetail, type JobState, type JobSummary } from './summary.js';

const PAGE = 200;
/** Names BullMQ gives its own keys beside the job hashes (`{mail}:deliver:wait`, ...). */
const BULL_KEY_NAMES = new Set(['wait', 'paused', 'meta', 'id', 'delayed', 'active', 'completed', 'failed', 'prioritized', 'pc', 'marker', 'events', 'stalled', 'stalled-check', 'limiter', 'de', 'repeat', 'waiting-children', 'metrics']);
/** Delayed-set scores are the run time in ms shifted left by 12 bits (BullMQ 5). */
const DELAY_SCORE_SHIFT = 0x1000;

export interface ListOptions {
  queues?: readonly QueueName[];
  /** Default: every state but completed. */
  states?: readonly JobState[];
}

export interface AdminOptions {
  redis: RedisConfig;
  connection?: RedisClient;
  /** Shown in CLIENT LIST; needs the ACL right to run CLIENT SETNAME. */
  connectionName?: string;
}

export class QueueAdmin {
  readonly spool: Spool;
  private readonly holds: Holds;
  private readonly queues: Record<QueueName, Queue>;

  private constructor(
    readonly client: RedisClient,
    private readonly ownsClient: boolean,
    readonly prefix: string,
  ) {
    this.spool = new Spool(client, { prefix });
    this.holds = new Holds(client, prefix);
    this.queues = { deliver: openQueue('deliver', client, prefix), outbound: openQueue('outbound', client, prefix) };
  }

  static async open(options: AdminOptions): Promise<QueueAdmin> {
    const client = options.connection ?? createRedis(options.redis, { role: 'producer', connectionName: options.connectionName });
    if (!options.connection) client.on('error', () => undefined);
    try {
      await waitReady(client);
    } catch (err) {
      if (!options.connection) await closeRedis(client);
      throw err;
    }
    return new QueueAdmin(client, !options.connection, keyPrefix(options.redis));
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    if (this.ownsClient) await closeRedis(this.client);
  }

  /** Number of jobs per queue and state; a held job counts as held only. */
  async counts(): Promise<Record<QueueName, Record<JobState, number>>> {
    const out = {} as Record<QueueName, Record<JobState, number>>;
    for (const queue of QUEUE_NAMES) {
      const raw = await this.queues[queue].getJobCounts(...Object.values(BULL_STATES).flat());
      const c = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      for (const [bull, n] of Object.entries(raw)) {
        const ours = stateOf(bull);
        if (ours) c[ours] += n;
      }
      for (const id of (await this.holds.all(queue)).keys()) {
        const job = await this.queues[queue].getJob(id);
        const ours = job ? stateOf(await job.getState()) : undefined;
        if (!ours || ours === 'active' || ours === 'completed') continue;
        c[ours] -= 1;
        c.held += 1;
      }
      out[queue] = c;
    }
    return out;
  }

  /** Every job in the given queues and states, page by page (jobs moving meanwhile may show twice or not at all). */
  async *jobs(options: ListOptions = {}): AsyncGenerator<JobSummary> {
    const states = options.states ?? JOB_STATES.filter((s) => s !== 'completed');
    for (const queue of options.queues ?? QUEUE_NAMES) {
      const held = await this.holds.all(queue);
      const q = this.queues[queue];
      for (const state of states) {
        if (state === 'held') {
          for (const [id, record] of held) {
            const job = await q.getJob(id);
            if (!job) continue;
            const bull = await job.getState();
            if (bull === 'active' || bull === 'completed') continue;
            yield summarize(queue, job, 'held', { held: record });
          }
          continue;
        }
        for (const bull of BULL_STATES[state]) {
          for (let start = 0; ; start += PAGE) {
            const page = await q.getJobs([bull], start, start + PAGE - 1, true);
            for (const job of page) {
              if (!job?.id) continue;
              const record = held.get(job.id);
              if (record && state !== 'active' && state !== 'completed') continue;
              yield summarize(queue, job, state, { ...(await this.extra(queue, job, state)), ...(record ? { held: record } : {}) });
            }
            if (page.length < PAGE) break;
          }
        }
      }
    }
  }

  /** Up to `limit` jobs, in queue and state order. */
  async list(options: ListOptions & { limit?: number } = {}): Promise<JobSummary[]> {
    const out: JobSummary[] = [];
    for await (const job of this.jobs(options)) {
      out.push(job);
      if (out.length >= (options.limit ?? 10_000)) break;
    }
    return out;
  }

  private async extra(queue: QueueName, job: Job, state: JobState): Promise<{ nextAttemptAt?: Date }> {
    if (state !== 'delayed' || !job.id) return {};
    const score = await this.client.zscore(`${this.prefix}:${queue}:delayed`, job.id);
    return score === null ? {} : { nextAttemptAt: new Date(Math.floor(Number(score) / DELAY_SCORE_SHIFT)) };
  }

  /** A job with its queue, found by id (the id's suffix names the queue; other ids are looked up in both). */
  private async find(id: string): Promise<{ queue: QueueName; job: Job }> {
    // Job ids name Redis keys: only the characters ids are made of, and none of BullMQ's own key names.
    if (!/^[0-9A-Za-z_-]{1,128}$/.test(id) || BULL_KEY_NAMES.has(id)) throw new JobNotFoundError(id);
    const candidates = queueOfJobId(id) ? [queueOfJobId(id)!] : QUEUE_NAMES;
    for (const queue of candidates) {
      let job: Job | undefined;
      try {
        job = await this.queues[queue].getJob(id);
      } catch (err) {
        // An id that names one of BullMQ's own keys ("wait", "meta", ...) is no job.
        if (/WRONGTYPE/.test((err as Error).message)) continue;
        throw err;
      }
      if (job) return { queue, job };
    }
    throw new JobNotFoundError(id);
  }

  private async stateWithHold(queue: QueueName, job: Job): Promise<{ state: JobState; held?: HoldRecord }> {
    const bull = stateOf(await job.getState()) ?? 'waiting';
    const held = await this.holds.get(queue, job.id!);
    if (held && bull !== 'active' && bull !== 'completed') return { state: 'held', held };
    return held ? { state: bull, held } : { state: bull };
  }

  /** One job with its stored data and error history; undefined when there is none. */
  async get(id: string): Promise<JobDetail | undefined> {
    try {
      const { queue, job } = await this.find(id);
      const { state, held } = await this.stateWithHold(queue, job);
      const summary = summarize(queue, job, state, { ...(await this.extra(queue, job, state)), ...(held ? { held } : {}) });
      return detail(queue, job, summary);
    } catch (err) {
      if (err instanceof JobNotFoundError) return undefined;
      throw err;
    }
  }

  /** Deletes a job that is not being processed and releases its spool reference (postsuper -d). */
  async delete(id: string): Promise<void> {
    const { queue, job } = await this.find(id);
    const bull = await job.getState();
    if (bull === 'active') throw new JobActiveError(id);
    try {
      await job.remove();
    } catch (err) {
      if (/locked|active/i.test((err as Error).message)) throw new JobActiveError(id);
      throw err;
    }
    await this.holds.unhold(queue, id);
    const spoolId = (job.data as { spoolId?: unknown } | undefined)?.spoolId;
    // The job id as holder makes this a no-op if a worker completed the job and released it already.
    if (typeof spoolId === 'string') await this.spool.release(spoolId, id);
  }

  /** Deletes every job in the given queues and states (default: all); jobs being processed are skipped and counted. */
  async deleteAll(options: ListOptions = {}): Promise<{ deleted: number; active: number }> {
    const ids: string[] = [];
    let deleted = 0;
    let active = 0;
    for await (const job of this.jobs({ ...options, states: options.states ?? JOB_STATES })) {
      if (job.state === 'active') active += 1;
      else ids.push(job.id);
    }
    for (const id of ids) {
      try {
        await this.delete(id);
        deleted += 1;
      } catch (err) {
        if (err instanceof JobActiveError) active += 1;
        else if (!(err instanceof JobNotFoundError)) throw err;
      }
    }
    return { deleted, active };
  }

  /** Runs every delayed job now (postqueue -f); held jobs stay held. Returns how many were promoted. */
  async flush(options: Pick<ListOptions, 'queues'> = {}): Promise<number> {
    let promoted = 0;
    for (const queue of options.queues ?? QUEUE_NAMES) {
      const held = await this.holds.all(queue);
      const ids: string[] = [];
      for (let start = 0; ; start += PAGE) {
        const page = await this.queues[queue].getRanges(['delayed'], start, start + PAGE - 1, true);
        ids.push(...page);
        if (page.length < PAGE) break;
      }
      for (const id of ids) {
        if (held.has(id)) continue;
        const job = await this.queues[queue].getJob(id);
        if (!job) continue;
        try {
          await job.promote();
          promoted += 1;
        } catch {
          // It ran or was deleted meanwhile.
        }
      }
    }
    return promoted;
  }

  /**
   * Puts a job on hold (postsuper -h): no worker runs it until release(). A job being processed finishes its
   * current attempt and is held if it has to be tried again. Returns the state the job was in.
   */
  async hold(id: string, reason?: string): Promise<JobState> {
    const { queue, job } = await this.find(id);
    const state = stateOf(await job.getState()) ?? 'waiting';
    if (state === 'completed') throw new QueueError(`job ${id} is already done`);
    await this.holds.hold(queue, id, reason);
    return state;
  }

  /** Releases a held job (postsuper -H); it runs as soon as a worker is free. Returns false when it was not held. */
  async release(id: string): Promise<boolean> {
    const { queue, job } = await this.find(id);
    if (!(await this.holds.unhold(queue, id))) return false;
    // A parked job sits in the delayed set; a worker that is parking it right now re-checks the mark and promotes it itself.
    if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
    return true;
  }

  /** Puts a failed job back to waiting with a fresh attempt count (postsuper -r). */
  async requeue(id: string): Promise<void> {
    const { job } = await this.find(id);
    if ((await job.getState()) !== 'failed') throw new QueueError(`job ${id} has not failed`);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  /** Deletes spool entries older than `olderThan` ms (default 1 h) that no unfinished job refers to; see sweepSpool(). */
  async sweepSpool(options: { olderThan?: number } = {}): Promise<SweepResult> {
    return sweepSpool(this.spool, this.queues, options.olderThan);
  }
}

/** Parses a queue name given on a command line. */
export function parseQueueName(name: string): QueueName {
  if (!isQueueName(name)) throw new QueueError(`unknown queue ${JSON.stringify(name)} (deliver or outbound)`);
  return name;
}
