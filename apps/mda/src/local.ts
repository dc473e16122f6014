// Delivery of one message to one local mailbox: loop check, the filter's decision, the Maildir write with trace
// fields prepended (idempotent through the dedupe key), and quota as a temporary failure until the grace period ends.
import { addressKey } from '@mail/auth';
import { shouldSendDsn } from '@mail/dsn';
import { AccountNameError, type DeliverOptions, type QuotaLimits } from '@mail/maildir';
import { SpoolNotFoundError, type DeliverJob } from '@mail/queue';
import type { MdaContext } from './context.js';
import { JUNK, type FilterAction } from './filter.js';
import type { ContentVerdict } from './hooks.js';
import { isAuthservId } from './authres.js';
import { deliverySource, type MessageHead, type OpenMessage } from './message.js';
import type { PlannedTarget } from './plan.js';
import type { TargetRecord } from './progress.js';
import { loopReason, traceFields, type TraceFacts } from './trace.js';

/** A failure worth another attempt. */
export interface TemporaryFailure {
  temporary: true;
  status: string;
  text: string;
  /** The mailbox was full: retried only until the quota grace period ends. */
  quota: boolean;
}

export interface LocalDelivery {
  ctx: MdaContext;
  data: DeliverJob;
  open: OpenMessage;
  head: MessageHead;
  facts: TraceFacts;
  verdict: ContentVerdict;
  /** Arrival of the message, ms: the quota grace period counts from here. */
  arrival: number;
  /** The recipient expanded to several targets: no per-target success report (the "expanded" one covers it). */
  expanded: boolean;
  /** Authentication-Results and Received-SPF fields of the message (empty when it was not checked). */
  authFields: Buffer;
}

/** A failure record for a target, owing a report when the sender asked for failure reports. */
export function failedRecord(data: DeliverJob, target: Pick<PlannedTarget, 'address' | 'orcpt' | 'notify'>, status: string, text: string): TargetRecord {
  return {
    state: 'failed',
    address: target.address,
    status,
    diagnostic: text,
    ...(target.orcpt !== undefined ? { orcpt: target.orcpt } : {}),
    ...(shouldSendDsn(data, target, 'failed') ? { report: 'failed' as const } : {}),
  };
}

function quotaOf(target: PlannedTarget): QuotaLimits | undefined {
  const q = target.account?.quota;
  if (!q || (q.bytes === undefined && q.messages === undefined)) return undefined;
  return { ...(q.bytes !== undefined ? { storage: q.bytes } : {}), ...(q.messages !== undefined ? { messages: q.messages } : {}) };
}

/** Delivers to one local target; returns its final record, or a temporary failure. */
export async function deliverLocal(d: LocalDelivery, target: PlannedTarget): Promise<TargetRecord | TemporaryFailure> {
  const { ctx, data } = d;
  const account = target.account!;
  const loop = loopReason(d.facts, account.address, ctx.settings.maxHops);
  if (loop) return failedRecord(data, target, '5.4.6', loop);

  const decided = await ctx.filter.decide({
    account,
    ...(target.extension !== undefined ? { extension: target.extension } : {}),
    sender: data.sender,
    recipient: target.address,
    fields: d.head.fields,
    spam: d.verdict.spam,
  });
  const actions: FilterAction[] = decided.length > 0 ? decided : [{ type: 'keep', folder: 'INBOX' }];
  const trace = traceFields({ sender: data.sender, recipient: account.address, extra: d.verdict.spam ? [['X-Spam-Flag', 'YES']] : [] }, d.head.eol);
  const prefix = d.authFields.length > 0 ? Buffer.concat([trace, d.authFields]) : trace;
  // With a spam check configured, what the message claims about itself is not believed.
  const dropSpamFlag = ctx.checks?.spamCommand !== undefined;
  // Results the message claims this host made are forged (RFC 8601 §5): removed when this host checks.
  const forgedResults = d.authFields.length > 0 ? ctx.inbound?.hostname : undefined;
  const drop =
    dropSpamFlag || forgedResults
      ? (name: string, value: string) => (dropSpamFlag && name === 'x-spam-flag') || (forgedResults !== undefined && name === 'authentication-results' && isAuthservId(value, forgedResults))
      : undefined;
  const quota = quotaOf(target);
  const folders: string[] = [];
  for (const [k, action] of actions.entries()) {
    if (action.type === 'discard') continue;
    const folder = action.folder === JUNK ? await ctx.stores.specialUseFolder(account, '\\Junk') : action.folder;
    const options: DeliverOptions = {
      dedupeKey: `${data.spoolId}:${addressKey(account.address)}${k > 0 ? `:${k}` : ''}`,
      ...(quota ? { quota } : {}),
      ...(action.flags ? { flags: action.flags } : {}),
      ...(action.create ? { createFolder: true } : {}),
    };
    let result;
    try {
      result = await ctx.stores.deliver(account, folder, deliverySource(d.open, prefix, drop), options);
    } catch (err) {
      if (err instanceof SpoolNotFoundError) throw err;
      if (err instanceof AccountNameError) return failedRecord(data, target, '5.1.3', `550 5.1.3 <${account.address}>: cannot be stored as a mailbox (${err.message})`);
      ctx.log.error({ err, to: account.address, folder }, 'mailbox write failed');
      return { temporary: true, status: '4.3.0', text: `451 4.3.0 <${account.address}>: mailbox temporarily unavailable`, quota: false };
    }
    if (result.status === 'over-quota') {
      const graceOver = ctx.now() >= d.arrival + ctx.settings.quotaGrace;
      ctx.log.info({ to: account.address, resource: result.resource, graceOver }, 'mailbox over quota');
      if (graceOver) return failedRecord(data, target, '5.2.2', `552 5.2.2 <${account.address}>: Mailbox full (quota exceeded)`);
      return { temporary: true, status: '4.2.2', text: `452 4.2.2 <${account.address}>: Mailbox full (quota exceeded)`, quota: true };
    }
    folders.push(result.folder);
    ctx.log.info({ to: account.address, folder: result.folder, ...(result.status === 'delivered' ? { uid: result.uid } : { duplicate: true }) }, 'delivered');
  }
  const report = !d.expanded && shouldSendDsn(data, target, 'delivered');
  return {
    state: folders.length > 0 ? 'delivered' : 'discarded',
    address: account.address,
    status: '2.0.0',
    diagnostic: folders.length > 0 ? `250 2.0.0 delivered to ${folders.join(', ')}` : '250 2.0.0 discarded by a filter',
    ...(target.orcpt !== undefined ? { orcpt: target.orcpt } : {}),
    ...(report ? { report: 'delivered' as const } : {}),
  };
}
