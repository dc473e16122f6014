// The deliver-job handler: each recipient not yet finished is resolved and its targets delivered (local), handed
// on (remote) or bounced (unknown, loops, expired quota); progress is recorded as it happens, reports go out, and
// temporary failures make the job run again on the retry schedule.
import { shouldSendDsn } from '@mail/dsn';
import { done, retryLater, type Handler, type JobContext, type Outcome } from '@mail/queue';
import type { MdaContext } from './context.js';
import { forwardTargets, resumeForwards } from './forward.js';
import { authenticationFields } from './authres.js';
import { checkContent, HookError, type ContentVerdict } from './hooks.js';
import { deliverLocal, failedRecord, type LocalDelivery, type TemporaryFailure } from './local.js';
import { readHead, spoolOpener, type OpenMessage } from './message.js';
import { planRecipient, unknownText, wantsSuccess, type PlannedTarget } from './plan.js';
import type { Progress, TargetRecord } from './progress.js';
import { resumeReports, sendReports, type DelayNotice } from './reports.js';
import { traceFacts, traceFields } from './trace.js';

interface Pending {
  target: PlannedTarget;
  failure: TemporaryFailure;
}

const isTemporary = (r: TargetRecord | TemporaryFailure): r is TemporaryFailure => 'temporary' in r;

/**
 * Records a target's final outcome (and finished recipients), logging bounces as Postfix logs status=bounced.
 * `last`: see ProgressStore.record.
 */
async function record(ctx: MdaContext, progress: Progress, id: string, outcome: TargetRecord, recipients: number[] = [], last = false): Promise<void> {
  await ctx.progress.record(progress, { targets: { [id]: outcome }, recipients }, { last });
  if (outcome.state === 'failed') {
    ctx.log.info({ to: outcome.address, status: outcome.status, reason: outcome.diagnostic, report: outcome.report !== undefined }, 'bounced');
  }
}

/** When the message arrived (ms): the quota grace period and delay warnings count from here. */
function arrivalOf(job: JobContext<'deliver'>): number {
  const at = Date.parse(job.data.received.at);
  return Number.isFinite(at) ? at : job.arrivedAt.getTime();
}

/** Recipient `i` as a whole, for outcomes that concern it before any expansion (loops, limits, failed checks). */
function wholeRecipient(job: JobContext<'deliver'>, i: number): PlannedTarget {
  const r = job.data.recipients[i]!;
  return { id: `${i}/!`, kind: 'unknown', address: r.address, ...(r.orcpt !== undefined ? { orcpt: r.orcpt } : {}), ...(r.notify !== undefined ? { notify: r.notify } : {}) };
}

/** The content verdict of the job: recorded by an earlier attempt, or checked now and recorded. */
async function verdictOf(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress, open: OpenMessage): Promise<ContentVerdict> {
  const known = progress.content();
  if (known) return known;
  if (!ctx.checks) return { virus: false, spam: false };
  const verdict = await checkContent(ctx.checks, open, job.signal);
  await ctx.progress.record(progress, { content: verdict });
  if (verdict.virus || verdict.spam) ctx.log.info({ spoolId: job.data.spoolId, ...verdict }, 'content check verdict');
  return verdict;
}

/** Keeps a message the virus check flagged and finishes every recipient without delivery or report. */
async function quarantine(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress, pending: number[]): Promise<Outcome> {
  const data = job.data;
  const to = data.recipients.map((r) => r.address).join(', ');
  const prefix = Buffer.concat([traceFields({ sender: data.sender, recipient: to }), Buffer.from(`X-Envelope-Spool-Id: ${data.spoolId}\r\n`)]);
  const path = await ctx.quarantine.keep(data.spoolId, (async function* () {
    yield prefix;
    for await (const chunk of job.spool.stream(data.spoolId)) yield chunk as Buffer;
  })());
  const targets: Record<string, TargetRecord> = {};
  for (const i of pending) targets[`${i}/!`] = { state: 'discarded', address: data.recipients[i]!.address, status: '5.7.1', diagnostic: 'virus found; message quarantined' };
  await ctx.progress.record(progress, { targets, recipients: pending });
  ctx.log.warn({ spoolId: data.spoolId, sender: data.sender || '<>', to, path }, 'virus found: message quarantined, not delivered');
  await ctx.progress.finish(progress);
  return done();
}

async function attempt(ctx: MdaContext, job: JobContext<'deliver'>): Promise<Outcome> {
  const data = job.data;
  const progress = await ctx.progress.load(job.id);
  await resumeForwards(ctx, job, progress);
  await resumeReports(ctx, progress);
  const pending = data.recipients.map((_, i) => i).filter((i) => !progress.recipientDone(i));
  if (pending.length === 0) {
    await sendReports(ctx, job, progress);
    await ctx.progress.finish(progress);
    return done();
  }

  // Read first: a message missing from the spool fails the job here (SpoolNotFoundError), not inside a check.
  const open = spoolOpener(job.spool, data.spoolId, data.size);
  const head = await readHead(open);
  let verdict: ContentVerdict;
  try {
    verdict = await verdictOf(ctx, job, progress, open);
  } catch (err) {
    if (!(err instanceof HookError)) throw err;
    ctx.log.warn({ err: err.message }, 'content check failed; deferring');
    const failure: TemporaryFailure = { temporary: true, status: '4.7.1', text: `451 4.7.1 ${err.message}`, quota: false };
    const whole = pending.map((i) => ({ target: wholeRecipient(job, i), failure }));
    return settle(ctx, job, progress, whole, arrivalOf(job));
  }
  if (verdict.virus) return quarantine(ctx, job, progress, pending);

  const authFields = ctx.inbound ? await authenticationFields(ctx.inbound, data, open, head.eol, ctx.log) : Buffer.alloc(0);
  const facts = traceFacts(head.fields);
  const hops = facts.received + facts.deliveredTo.length;
  const arrival = arrivalOf(job);
  const temporary: Pending[] = [];
  const remote: PlannedTarget[] = [];
  const finished: number[] = [];

  for (const i of pending) {
    const recipient = data.recipients[i]!;
    const whole = wholeRecipient(job, i);
    if (hops > ctx.settings.maxHops) {
      const text = `554 5.4.6 too many hops (${hops} Received/Delivered-To fields, at most ${ctx.settings.maxHops})`;
      await record(ctx, progress, `${i}/!`, failedRecord(data, whole, '5.4.6', text), [i]);
      continue;
    }
    const plan = planRecipient(i, recipient, await ctx.directory.resolve(recipient.address));
    if (plan.failure) {
      await record(ctx, progress, `${i}/!`, failedRecord(data, whole, plan.failure.status, plan.failure.text), [i]);
      continue;
    }
    if (plan.expanded && wantsSuccess(recipient.notify) && !progress.target(`${i}/*`)) {
      const record: TargetRecord = { state: 'expanded', address: recipient.address, status: '2.0.0', ...(recipient.orcpt ? { orcpt: recipient.orcpt } : {}) };
      if (shouldSendDsn(data, recipient, 'expanded')) record.report = 'expanded';
      await ctx.progress.record(progress, { targets: { [`${i}/*`]: record } });
    }
    const delivery: LocalDelivery = { ctx, data, open, head, facts, verdict, arrival, expanded: plan.expanded, authFields };
    const todo = plan.targets.filter((t) => !progress.target(t.id));
    // Without remote targets, the last outcome of a recipient whose targets all finished also marks the recipient
    // done, in the same command (one Redis write less per message; forwards must be queued before that mark).
    const local = !todo.some((t) => t.kind === 'remote');
    let complete = true;
    let marked = false;
    for (const [k, target] of todo.entries()) {
      if (target.kind === 'remote') {
        remote.push(target);
        continue;
      }
      const outcome = target.kind === 'unknown' ? failedRecord(data, target, '5.1.1', unknownText(target.address)) : await deliverLocal(delivery, target);
      if (isTemporary(outcome)) {
        temporary.push({ target, failure: outcome });
        complete = false;
      } else {
        marked = local && complete && k === todo.length - 1;
        // The job's last write when this marks its last open recipient done and nothing is owed for it (a
        // recipient with a retry, a forward or a record still to come is not done yet): the common case of a
        // message to one local mailbox costs one Redis command for its record instead of two.
        const last = marked && outcome.report === undefined && pending.every((p) => p === i || progress.recipientDone(p));
        await record(ctx, progress, target.id, outcome, marked ? [i] : [], last);
      }
    }
    if (complete && !marked) finished.push(i);
  }

  await forwardTargets(ctx, job, progress, remote);
  if (finished.length > 0) await ctx.progress.record(progress, { recipients: finished });
  return settle(ctx, job, progress, temporary, arrival);
}

/** Sends the reports owed and decides the job's outcome from what is left to retry. */
async function settle(ctx: MdaContext, job: JobContext<'deliver'>, progress: Progress, temporary: Pending[], arrival: number): Promise<Outcome> {
  const data = job.data;
  const now = ctx.now();
  const next = temporary.length > 0 ? job.nextRetryDelay() : null;
  if (temporary.length > 0 && next === null) {
    // The retry schedule is used up: what is still failing bounces with its last (temporary) status.
    const targets = Object.fromEntries(temporary.map((p) => [p.target.id, failedRecord(data, p.target, p.failure.status, p.failure.text)]));
    await ctx.progress.record(progress, { targets });
    ctx.log.warn({ to: temporary.map((p) => p.target.address) }, 'gave up retrying; bouncing');
    temporary = [];
  }
  const warnAfter = ctx.settings.delayWarning;
  const delayed: DelayNotice[] =
    warnAfter !== undefined && now - arrival >= warnAfter
      ? temporary
          .filter((p) => shouldSendDsn(data, p.target, 'delayed'))
          .map((p) => ({
            id: p.target.id,
            address: p.target.address,
            ...(p.target.orcpt !== undefined ? { orcpt: p.target.orcpt } : {}),
            status: p.failure.status,
            diagnostic: p.failure.text,
            retryUntil: new Date(p.failure.quota ? arrival + ctx.settings.quotaGrace : job.firstAttemptAt.getTime() + ctx.settings.giveUp),
          }))
      : [];
  await sendReports(ctx, job, progress, delayed);
  if (temporary.length === 0) {
    await ctx.progress.finish(progress);
    return done();
  }
  let delay = next!;
  // An over-quota mailbox is tried once more right when the grace period ends, so the bounce is not late.
  if (temporary.some((p) => p.failure.quota)) delay = Math.min(delay, Math.max(1, arrival + ctx.settings.quotaGrace - now + 1));
  const first = temporary[0]!.failure.text;
  ctx.log.info({ to: temporary.map((p) => p.target.address), delay }, 'deferred');
  return retryLater(temporary.length > 1 ? `${first} (and ${temporary.length - 1} more)` : first, delay);
}

/** The handler createWorker('deliver', ...) runs. */
export function createDeliverHandler(ctx: MdaContext): Handler<'deliver'> {
  return async (job) => attempt({ ...ctx, log: job.log ?? ctx.log }, job);
}
