// Remote targets of aliases become one outbound job per attempt. It reuses the spooled message (one more spool
// reference) when no outbound job has ever carried it; otherwise the message is copied to a new spool entry, since
// job ids derive from spool ids. Every step is recorded first, so an attempt run again finishes instead of repeating.
import { randomBytes } from 'node:crypto';
import { jobId, type JobContext, type OutboundJobInput } from '@mail/queue';
import type { MdaContext } from './context.js';
import type { PlannedTarget } from './plan.js';
import type { ForwardBatch, Progress, TargetRecord } from './progress.js';

function outboundJob(job: JobContext<'deliver'>, batch: ForwardBatch, spoolId: string, now: Date): OutboundJobInput {
  const d = job.data;
  return {
    v: 1,
    spoolId,
    sender: d.sender,
    dsn: d.dsn,
    received: d.received,
    size: d.size,
    smtputf8: d.smtputf8,
    eightBitMime: d.eightBitMime,
    ...(d.messageId !== undefined ? { messageId: d.messageId } : {}),
    recipients: batch.recipients.map((r) => ({
      address: r.address,
      ...(r.orcpt !== undefined ? { orcpt: r.orcpt } : {}),
      ...(r.notify !== undefined ? { notify: r.notify === 'NEVER' ? 'NEVER' : [...r.notify] } : {}),
    })),
    firstAttemptAt: now.toISOString(),
  };
}

/** Whether an outbound job has ever carried this spooled message (one that exists now, or one that released it). */
async function outboundUsed(ctx: MdaContext, spoolId: string): Promise<boolean> {
  const id = jobId('outbound', spoolId);
  if (await ctx.admin.get(id)) return true;
  const spool = ctx.producer.spool;
  return (await spool.client.sismember(spool.releasedKey(spoolId), id)) === 1;
}

/** Takes a recorded forward batch from where an earlier step stopped to queued. */
async function advance(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress, id: string, batch: ForwardBatch): Promise<void> {
  const spool = ctx.producer.spool;
  const source = job.data.spoolId;
  let b = batch;
  const step = async (next: Partial<ForwardBatch>): Promise<void> => {
    b = { ...b, ...next };
    await ctx.progress.record(progress, { batches: { [id]: b } });
  };
  if (b.mode === 'same') {
    if (b.state === 'prepared') {
      if (await ctx.admin.get(jobId('outbound', source))) return step({ state: 'queued' });
      // A crash between this retain and the next record leaves one reference too many; the spool sweep reclaims
      // the message once no job refers to it.
      await spool.retain(source, 1);
      await step({ state: 'retained' });
    }
    if (b.state === 'retained') {
      await ctx.producer.enqueue({ outbound: outboundJob(job, b, source, new Date(ctx.now())) });
      await step({ state: 'queued' });
    }
    return;
  }
  if (b.state === 'spooled' && b.spoolId && !(await spool.exists(b.spoolId)) && !(await ctx.admin.get(jobId('outbound', b.spoolId)))) {
    b = { ...b, state: 'prepared' };
  }
  if (b.state === 'prepared') {
    // A copy spooled by an attempt that died before recording it has no job; the spool sweep removes it.
    const copy = await spool.put(job.spool.stream(source), { refs: 1 });
    await step({ state: 'spooled', spoolId: copy });
  }
  if (b.state === 'spooled' && b.spoolId) {
    if (await spool.exists(b.spoolId)) await ctx.producer.enqueue({ outbound: outboundJob(job, b, b.spoolId, new Date(ctx.now())) });
    await step({ state: 'queued' });
  }
}

/** Finishes forward batches an earlier attempt recorded but did not queue. */
export async function resumeForwards(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress): Promise<void> {
  for (const [id, batch] of progress.batches()) {
    if (batch.type === 'forward' && batch.state !== 'queued') await advance(ctx, job, progress, id, batch);
  }
}

/** Hands remote targets to the queue-runner in one outbound job and records them as forwarded. */
export async function forwardTargets(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress, targets: PlannedTarget[]): Promise<void> {
  if (targets.length === 0) return;
  const sameUsed = progress.batches().some(([, b]) => b.type === 'forward' && b.mode === 'same');
  const mode = sameUsed || (await outboundUsed(ctx, job.data.spoolId)) ? 'copy' : 'same';
  const id = randomBytes(6).toString('hex');
  const batch: ForwardBatch = {
    type: 'forward',
    mode,
    state: 'prepared',
    recipients: targets.map((t) => ({ address: t.address, ...(t.orcpt !== undefined ? { orcpt: t.orcpt } : {}), ...(t.notify !== undefined ? { notify: t.notify } : {}) })),
  };
  const records: Record<string, TargetRecord> = Object.fromEntries(
    targets.map((t) => [t.id, { state: 'forwarded', address: t.address, batch: id, ...(t.orcpt !== undefined ? { orcpt: t.orcpt } : {}) } satisfies TargetRecord]),
  );
  await ctx.progress.record(progress, { batches: { [id]: batch }, targets: records });
  await advance(ctx, job, progress, id, batch);
  ctx.log.info({ to: batch.recipients.map((r) => r.address), mode }, 'forwarded to remote addresses');
}
