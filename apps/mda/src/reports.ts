// Delivery status notifications from the mda: the reports owed for failed (and, when asked, delivered or expanded)
// targets are built with @mail/dsn, spooled, recorded, then queued, so an attempt run again never sends one twice.
import { randomBytes } from 'node:crypto';
import { splitAddress } from '@mail/auth';
import { buildDsn, type DsnAction, type DsnRecipient } from '@mail/dsn';
import { jobId, type DeliverJob, type DeliverJobInput, type JobContext, type OutboundJobInput } from '@mail/queue';
import type { MdaContext } from './context.js';
import type { Progress, ReportBatch, TargetRecord } from './progress.js';

/** A delay warning owed for a target that is still being retried. */
export interface DelayNotice {
  id: string;
  address: string;
  orcpt?: string;
  status: string;
  diagnostic: string;
  retryUntil: Date;
}

const newBatchId = (): string => randomBytes(6).toString('hex');
const isSuccess = (a: DsnAction): boolean => a === 'delivered' || a === 'relayed' || a === 'expanded';

/** The jobs that carry a report to `to`: a local deliver job or an outbound job, from the null sender. */
export function reportJob(batch: ReportBatch, now: Date): { deliver: DeliverJobInput } | { outbound: OutboundJobInput } {
  const common = {
    v: 1 as const,
    spoolId: batch.spoolId,
    sender: '',
    size: batch.size,
    smtputf8: batch.smtputf8,
    eightBitMime: batch.eightBitMime,
    received: { at: now.toISOString(), clientAddress: '127.0.0.1', protocol: 'local' },
    dsn: {},
  };
  if (batch.local) return { deliver: { ...common, recipients: [{ address: batch.to }] } };
  return { outbound: { ...common, recipients: [{ address: batch.to }], firstAttemptAt: now.toISOString() } };
}

async function senderIsLocal(ctx: MdaContext, sender: string): Promise<boolean> {
  const parts = splitAddress(sender);
  // Alias domains count too: the mda expands the address like any other recipient.
  return parts !== null && (await ctx.directory.domainKind(parts.domain)) !== null;
}

/** Queues a spooled report; a report whose spooled message has gone is forgotten so that it is made again. */
async function queueReport(ctx: MdaContext, progress: Progress, id: string, batch: ReportBatch): Promise<void> {
  if (!(await ctx.producer.spool.exists(batch.spoolId))) {
    const job = await ctx.admin.get(jobId(batch.local ? 'deliver' : 'outbound', batch.spoolId));
    if (!job) {
      const targets: Record<string, TargetRecord> = {};
      for (const [tid, t] of progress.targets()) {
        if (t.reportedIn !== id) continue;
        const { reportedIn: _, ...rest } = t;
        targets[tid] = rest;
      }
      ctx.log.warn({ batch: id, spoolId: batch.spoolId }, 'a spooled report vanished before it was queued; making it again');
      await ctx.progress.record(progress, { targets, batches: { [id]: { ...batch, state: 'lost' } } });
      return;
    }
  } else {
    await ctx.producer.enqueue(reportJob(batch, new Date(ctx.now())));
  }
  await ctx.progress.record(progress, { batches: { [id]: { ...batch, state: 'queued' } } });
}

/** Finishes report batches an earlier attempt spooled but may not have queued. */
export async function resumeReports(ctx: MdaContext, progress: Progress): Promise<void> {
  for (const [id, batch] of progress.batches()) {
    if (batch.type === 'report' && batch.state === 'spooled') await queueReport(ctx, progress, id, batch);
  }
}

function dsnRecipient(t: TargetRecord, action: DsnAction, now: Date): DsnRecipient {
  return {
    finalRecipient: t.address,
    ...(t.orcpt ? { originalRecipient: t.orcpt } : {}),
    action,
    status: t.status ?? (isSuccess(action) ? '2.0.0' : '5.0.0'),
    ...(t.diagnostic ? { diagnostic: t.diagnostic } : {}),
    lastAttemptDate: now,
  };
}

/** Builds, spools, records and queues one report about `recipients`. */
async function sendReport(
  ctx: MdaContext,
  job: JobContext<'deliver'>,
  progress: Progress,
  recipients: DsnRecipient[],
  mark: { targets: Record<string, TargetRecord>; warned: Record<string, string> },
  batchId: string,
): Promise<void> {
  const data: DeliverJob = job.data;
  const dsn = buildDsn({
    reportingMta: ctx.hostname,
    to: data.sender,
    arrivalDate: new Date(data.received.at),
    recipients,
    original: { content: () => job.spool.stream(data.spoolId), size: data.size, eightBit: data.eightBitMime || data.smtputf8 },
    queueId: data.spoolId,
    smtputf8: data.smtputf8,
    date: new Date(ctx.now()),
    ...(data.dsn.envid !== undefined ? { envelopeId: data.dsn.envid } : {}),
    ...(data.dsn.ret !== undefined ? { ret: data.dsn.ret } : {}),
    ...(data.messageId !== undefined ? { originalMessageId: data.messageId } : {}),
    ...(ctx.settings.returnLimit !== undefined ? { returnLimit: ctx.settings.returnLimit } : {}),
  });
  const local = await senderIsLocal(ctx, data.sender);
  const spoolId = await ctx.producer.spool.put(dsn.stream(), { refs: 1 });
  const batch: ReportBatch = {
    type: 'report',
    state: 'spooled',
    spoolId,
    size: await ctx.producer.spool.size(spoolId),
    to: data.sender,
    local,
    smtputf8: dsn.smtputf8,
    eightBitMime: dsn.eightBitMime,
  };
  await ctx.progress.record(progress, { batches: { [batchId]: batch }, targets: mark.targets, warned: mark.warned });
  await queueReport(ctx, progress, batchId, batch);
  ctx.log.info({ report: dsn.messageId, to: data.sender, spoolId, recipients: recipients.map((r) => `${r.finalRecipient} ${r.action} ${r.status}`) }, 'delivery status notification queued');
}

/**
 * Sends the reports owed: one about failures, one about successes, one delay warning, each only when it has
 * recipients. Targets that owe nothing (NOTIFY, null sender) were recorded without `report` and are skipped.
 */
export async function sendReports(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress, delayed: DelayNotice[] = []): Promise<void> {
  const now = new Date(ctx.now());
  const owed = progress.targets().filter(([, t]) => t.report !== undefined && t.reportedIn === undefined);
  const groups: Array<Array<[string, TargetRecord]>> = [owed.filter(([, t]) => t.report === 'failed'), owed.filter(([, t]) => isSuccess(t.report!))];
  for (const group of groups) {
    if (group.length === 0) continue;
    const batchId = newBatchId();
    const targets = Object.fromEntries(group.map(([id, t]) => [id, { ...t, reportedIn: batchId }]));
    await sendReport(ctx, job, progress, group.map(([, t]) => dsnRecipient(t, t.report!, now)), { targets, warned: {} }, batchId);
  }
  const warn = delayed.filter((d) => !progress.warned(d.id));
  if (warn.length > 0) {
    const batchId = newBatchId();
    const recipients: DsnRecipient[] = warn.map((d) => ({
      finalRecipient: d.address,
      ...(d.orcpt ? { originalRecipient: d.orcpt } : {}),
      action: 'delayed',
      status: d.status,
      diagnostic: d.diagnostic,
      lastAttemptDate: now,
      willRetryUntil: d.retryUntil,
    }));
    await sendReport(ctx, job, progress, recipients, { targets: {}, warned: Object.fromEntries(warn.map((d) => [d.id, batchId])) }, batchId);
  }
}
