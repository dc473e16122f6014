// Per-job delivery progress in Redis: what each target of a deliver job came to, and the reports and forwards
// made for it, so that an attempt run again (a retry, or a crash and takeover) neither redoes nor repeats anything.
import type { DsnAction, NotifySpec } from '@mail/dsn';
import type { RedisClient } from '@mail/queue';

/** The final outcome of one target (see plan.ts for target ids). */
export interface TargetRecord {
  state: 'delivered' | 'failed' | 'forwarded' | 'discarded' | 'expanded';
  /** The address the outcome is about (Final-Recipient of a report). */
  address: string;
  orcpt?: string;
  /** A report owed to the sender about this target; absent when none is. */
  report?: DsnAction;
  /** Id of the report batch that carried it. */
  reportedIn?: string;
  status?: string;
  diagnostic?: string;
  /** Forward batch id (state forwarded). */
  batch?: string;
}

export interface RecipientForward {
  address: string;
  orcpt?: string;
  notify?: NotifySpec;
}

/** A report (DSN) being sent: spooled, then queued (lost: its spooled message vanished first; it was made again). */
export interface ReportBatch {
  type: 'report';
  state: 'spooled' | 'queued' | 'lost';
  spoolId: string;
  size: number;
  to: string;
  local: boolean;
  smtputf8: boolean;
  eightBitMime: boolean;
}

/** Remote targets being handed to the queue-runner: on the same spooled message, or on a copy. */
export interface ForwardBatch {
  type: 'forward';
  mode: 'same' | 'copy';
  state: 'prepared' | 'retained' | 'spooled' | 'queued';
  /** The copy's spool id (mode copy, from state spooled). */
  spoolId?: string;
  recipients: RecipientForward[];
}

export type Batch = ReportBatch | ForwardBatch;

export interface ContentRecord {
  virus: boolean;
  spam: boolean;
}

/** Everything recorded for one job. */
export class Progress {
  /** Whether the last write gave the record its done-retention lifetime already (see ProgressStore.record). */
  doneLifetime = false;

  constructor(
    readonly jobId: string,
    private readonly fields: Map<string, string>,
  ) {}

  recipientDone(index: number): boolean {
    return this.fields.get(`r:${index}`) === '1';
  }

  target(id: string): TargetRecord | undefined {
    const raw = this.fields.get(`t:${id}`);
    return raw === undefined ? undefined : (JSON.parse(raw) as TargetRecord);
  }

  targets(): Array<[string, TargetRecord]> {
    return [...this.fields].filter(([k]) => k.startsWith('t:')).map(([k, v]) => [k.slice(2), JSON.parse(v) as TargetRecord]);
  }

  batches(): Array<[string, Batch]> {
    return [...this.fields].filter(([k]) => k.startsWith('b:')).map(([k, v]) => [k.slice(2), JSON.parse(v) as Batch]);
  }

  content(): ContentRecord | undefined {
    const raw = this.fields.get('content');
    return raw === undefined ? undefined : (JSON.parse(raw) as ContentRecord);
  }

  /** When the delay warning of a target was sent (batch id), if it was. */
  warned(id: string): boolean {
    return this.fields.has(`w:${id}`);
  }

  /** Applies a change locally (after it was stored). */
  apply(change: ProgressChange): void {
    for (const [k, v] of Object.entries(encode(change))) this.fields.set(k, v);
  }
}

/** Fields written together, in one command (so they are recorded all or none). */
export interface ProgressChange {
  targets?: Record<string, TargetRecord>;
  recipients?: number[];
  batches?: Record<string, Batch>;
  content?: ContentRecord;
  warned?: Record<string, string>;
}

function encode(change: ProgressChange): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, t] of Object.entries(change.targets ?? {})) out[`t:${id}`] = JSON.stringify(t);
  for (const i of change.recipients ?? []) out[`r:${i}`] = '1';
  for (const [id, b] of Object.entries(change.batches ?? {})) out[`b:${id}`] = JSON.stringify(b);
  if (change.content) out.content = JSON.stringify(change.content);
  for (const [id, batch] of Object.entries(change.warned ?? {})) out[`w:${id}`] = batch;
  return out;
}

export interface ProgressStoreOptions {
  /** The suite's key prefix, `{mail}`. */
  prefix: string;
  /** How long a job's record is kept after its last change; longer than any job can live. */
  retentionMs: number;
  /** How long it is kept once the job is done (a job that finished may still run once more if its worker died). */
  doneRetentionMs?: number;
}

/** HSET of the fields and PEXPIRE of the key in one script call. KEYS: the record; ARGV: lifetime (ms), field, value, … */
const RECORD = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

type RecordCommand = (key: string, retentionMs: number, ...fieldsAndValues: string[]) => Promise<unknown>;

export class ProgressStore {
  constructor(
    private readonly client: RedisClient,
    private readonly options: ProgressStoreOptions,
  ) {
    // A script, not MULTI: the same atomicity in one command, without building a transaction per record.
    if (!(client as unknown as Record<string, unknown>).mailMdaProgressRecord) client.defineCommand('mailMdaProgressRecord', { numberOfKeys: 1, lua: RECORD });
  }

  key(jobId: string): string {
    return `${this.options.prefix}:mda:progress:${jobId}`;
  }

  async load(jobId: string): Promise<Progress> {
    const raw = await this.client.hgetall(this.key(jobId));
    return new Progress(jobId, new Map(Object.entries(raw)));
  }

  /**
   * Stores a change atomically and applies it to `progress`. `last`: the caller expects no further write before
   * finish() (the job's last outcome, nothing owed): the record gets its done lifetime in the same command, and
   * finish() has nothing left to do unless something was written after all.
   */
  async record(progress: Progress, change: ProgressChange, options: { last?: boolean } = {}): Promise<void> {
    const fields = encode(change);
    if (Object.keys(fields).length === 0) return;
    const key = this.key(progress.jobId);
    const run = (this.client as unknown as { mailMdaProgressRecord: RecordCommand }).mailMdaProgressRecord.bind(this.client);
    await run(key, options.last ? this.doneRetentionMs : this.options.retentionMs, ...Object.entries(fields).flat());
    progress.apply(change);
    progress.doneLifetime = options.last === true;
  }

  /** Shortens the record's life once the job is done (unless its last write did). */
  async finish(progress: Progress): Promise<void> {
    if (progress.doneLifetime) return;
    await this.client.pexpire(this.key(progress.jobId), this.doneRetentionMs);
  }

  private get doneRetentionMs(): number {
    return this.options.doneRetentionMs ?? 2 * 86_400_000;
  }
}
