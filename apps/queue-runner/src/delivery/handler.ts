// The outbound job handler (Postfix qmgr + smtp): routes the recipients still pending, delivers per destination,
// records each recipient's state in the job after every destination, bounces or warns through DSNs, and asks for a
// retry while any recipient is deferred.
import type { Logger } from '@mail/log';
import { done, retryLater, type JobContext, type OutboundJob, type OutboundRecipient, type Outcome, type Producer, type RetrySchedule } from '@mail/queue';
import type { DkimSigner } from '../dkim.js';
import type { Router, SmtpRoute } from '../routing/router.js';
import type { RecipientResult } from '../smtp/transaction.js';
import { splitDiagnostic, type Bouncer, type Notice } from './bounce.js';
import { deliverToDestination, type DestinationContext } from './destination.js';

export interface HandlerDeps {
  router: Router;
  destinations: DestinationContext;
  bouncer: Bouncer;
  /** Hands recipients routed `local` to the deliver queue (a copy of the message in a new spool entry). */
  producer: Producer;
  dkim?: DkimSigner;
  schedule: RetrySchedule & { delayWarning?: number };
  log?: Logger;
}

const PENDING = new Set(['pending', 'deferred']);

function senderDomain(sender: string): string | undefined {
  const at = sender.lastIndexOf('@');
  return at > 0 ? sender.slice(at + 1) : undefined;
}

/** The status of the last temporary failure: the remote's enhanced code when it sent one, else 4.4.1 (no answer) or 4.0.0. */
export function temporaryStatus(lastError: string | undefined): string {
  const reply = lastError ? splitDiagnostic(lastError).reply : undefined;
  if (!reply) return '4.4.1';
  return /^4\d\d (4\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] ?? '4.0.0';
}

export function createHandler(deps: HandlerDeps): (job: JobContext<'outbound'>) => Promise<Outcome> {
  return async (job) => {
    const started = Date.now();
    const log = job.log ?? deps.log;
    const data: OutboundJob = job.data;
    const before = new Map(data.recipients.map((r) => [r.address, r.lastAttemptAt]));
    let recipients = data.recipients.map((r) => ({ ...r }));
    const save = async (): Promise<void> => job.update({ ...job.data, recipients });
    let failed: Notice[] = [];
    let relayed: Notice[] = [];
    // Reports go out before the state that records them is saved: a crash in between repeats a report rather than losing it.
    let committing = Promise.resolve();
    const commit = async (): Promise<void> => {
      committing = committing.then(async () => {
        const batch = failed;
        const successes = relayed;
        failed = [];
        relayed = [];
        if (batch.length > 0) await deps.bouncer.notify(job.data, job.id, 'failed', batch);
        if (successes.length > 0) await deps.bouncer.notify(job.data, job.id, 'relayed', successes);
        await save();
      });
      await committing;
    };
    const now = (): string => new Date().toISOString();

    const record = (result: RecipientResult): void => {
      recipients = recipients.map((r) => {
        if (r.address !== result.address || !PENDING.has(r.status)) return r;
        const status = result.outcome === 'delivered' ? 'delivered' : result.outcome === 'permanent' ? 'bounced' : 'deferred';
        const next: OutboundRecipient = { ...r, status, attempts: r.attempts + 1, lastAttemptAt: now(), ...(status === 'delivered' ? {} : { lastError: result.text.slice(0, 2000) }) };
        if (status === 'bounced') failed.push({ recipient: next, status: result.status, diagnostic: result.text });
        if (status === 'delivered' && result.relayed) relayed.push({ recipient: next, status: '2.0.0', diagnostic: result.text });
        log?.info({ to: r.address, status, detail: result.text }, `recipient ${status}`);
        return next;
      });
    };

    const pending = recipients.filter((r) => PENDING.has(r.status));
    const groups = new Map<string, { route: SmtpRoute; list: OutboundRecipient[] }>();
    const local: OutboundRecipient[] = [];
    for (const r of pending) {
      const route = deps.router.route(r.address);
      if (route.kind === 'invalid') record({ address: r.address, outcome: 'permanent', status: route.status, text: route.text });
      else if (route.kind === 'local') local.push(r);
      else {
        const g = groups.get(route.key) ?? { route, list: [] };
        g.list.push(r);
        groups.set(route.key, g);
      }
    }

    if (local.length > 0) {
      const body = await job.spool.get(data.spoolId);
      const { spoolId } = await deps.producer.submit(body, ({ spoolId: id, size }) => ({
        deliver: { v: 1, spoolId: id, size, sender: data.sender, dsn: data.dsn, received: data.received, smtputf8: data.smtputf8, eightBitMime: data.eightBitMime, ...(data.messageId ? { messageId: data.messageId } : {}), ...(data.auth !== undefined ? { auth: data.auth } : {}), recipients: local.map(({ address, orcpt, notify }) => ({ address, ...(orcpt ? { orcpt } : {}), ...(notify ? { notify } : {}) })) },
      }), { refs: 1 });
      for (const r of local) record({ address: r.address, outcome: 'delivered', status: '2.0.0', text: `handed to local delivery as ${spoolId}` });
    }
    await commit();

    if (groups.size > 0) {
      let message = await job.spool.get(data.spoolId);
      if (deps.dkim) message = await deps.dkim.sign(message, senderDomain(data.sender));
      // A job without auth (queued before the field, or a report made here) has no known submitter: AUTH=<>.
      const envelope = { sender: data.sender, smtputf8: data.smtputf8, eightBitMime: data.eightBitMime, auth: data.auth ?? null, ...(data.dsn.ret ? { ret: data.dsn.ret } : {}), ...(data.dsn.envid ? { envid: data.dsn.envid } : {}) };
      // Destinations in parallel (each under its own limit); each result is saved as soon as it is known, so a crash
      // after a remote 250 and before the next save is the only window for a duplicate.
      await Promise.all(
        [...groups.values()].map(async ({ route, list }) => {
          const envRecipients = list.map(({ address, notify, orcpt }) => ({ address, ...(notify ? { notify } : {}), ...(orcpt ? { orcpt } : {}) }));
          const results = await deliverToDestination(deps.destinations, route, envelope, envRecipients, message);
          for (const res of results) record(res);
          await commit();
        }),
      );
    }

    const deferred = recipients.filter((r) => r.status === 'deferred' || r.status === 'pending');
    if (deferred.length === 0) {
      log?.info({ ms: Date.now() - started, recipients: recipients.length }, 'job finished');
      return done();
    }

    const first = job.firstAttemptAt.getTime();
    if (job.nextRetryDelay() === null) {
      // The queue lifetime is over: every deferred recipient bounces with its last error (RFC 3463 X.4.7).
      const expired: Notice[] = deferred.map((r) => ({ recipient: r, status: '4.4.7', diagnostic: r.lastError ?? 'delivery time expired' }));
      recipients = recipients.map((r) => (r.status === 'deferred' || r.status === 'pending' ? { ...r, status: 'bounced' as const } : r));
      await deps.bouncer.notify(job.data, job.id, 'failed', expired);
      await save();
      log?.warn({ recipients: deferred.length }, 'gave up: queue lifetime expired');
      return done();
    }

    const warnAt = deps.schedule.delayWarning;
    if (warnAt !== undefined) {
      const threshold = first + warnAt;
      const crossed = deferred.filter((r) => {
        const previous = before.get(r.address);
        return Date.now() >= threshold && (previous === undefined || Date.parse(previous) < threshold);
      });
      if (crossed.length > 0) {
        const notices: Notice[] = crossed.map((r) => ({ recipient: r, status: temporaryStatus(r.lastError), diagnostic: r.lastError ?? 'delivery delayed' }));
        await deps.bouncer.notify(job.data, job.id, 'delayed', notices, new Date(first + deps.schedule.giveUp));
      }
    }
    await save();
    const reason = deferred.map((r) => `${r.address}: ${r.lastError ?? 'deferred'}`).join('; ');
    return retryLater(reason.slice(0, 1000));
  };
}
