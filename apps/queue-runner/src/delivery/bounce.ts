// Delivery status notifications to the sender: failed and delayed reports built by @mail/dsn and queued through
// @mail/queue (a deliver job when the sender's domain is local, else an outbound job). Never to the null sender.
import { buildDsn, shouldSendDsn, type DsnAction, type DsnRecipient } from '@mail/dsn';
import type { Logger } from '@mail/log';
import type { OutboundJob, OutboundRecipient, Producer, Spool } from '@mail/queue';

export interface LocalDomains {
  isLocalDomain(domain: string): Promise<boolean>;
}

export interface Notice {
  recipient: OutboundRecipient;
  status: string;
  /** The reply or explanation. */
  diagnostic: string;
  remoteMta?: string;
}

export interface BouncerOptions {
  producer: Producer;
  spool: Spool;
  domains: LocalDomains;
  /** config.hostname: Reporting-MTA and the report's From. */
  hostname: string;
  log?: Logger;
}

const SMTP_REPLY = /^(?:host (\S+?)(?:\[[^\]]*\])? said: )?([2-5]\d\d(?: .*)?)$/s;

/** Splits a stored result text into the remote host and the SMTP reply, when it quotes one. */
export function splitDiagnostic(text: string): { remoteMta?: string; reply?: string } {
  const m = SMTP_REPLY.exec(text.trim());
  if (!m) return {};
  const reply = m[2]!.replace(/ \(in reply to [^)]*\)$/, '');
  return m[1] ? { remoteMta: m[1], reply } : { reply };
}

export class Bouncer {
  constructor(private readonly options: BouncerOptions) {}

  /**
   * Queues one report about `notices` (all with `action`) to the job's sender, for the recipients whose NOTIFY
   * asks for it. Returns the report's spool id, or undefined when none is due (null sender, NOTIFY, a loop).
   */
  async notify(job: OutboundJob, jobId: string, action: DsnAction, notices: readonly Notice[], willRetryUntil?: Date): Promise<string | undefined> {
    const { log, hostname } = this.options;
    const due = notices.filter((n) => shouldSendDsn(job, n.recipient, action));
    if (due.length === 0) return undefined;
    const sender = job.sender;
    if (/^mailer-daemon@/i.test(sender)) {
      log?.warn({ jobId, action }, 'no report to a mailer-daemon sender (bounce loop guard)');
      return undefined;
    }
    const recipients: DsnRecipient[] = due.map((n) => {
      const split = splitDiagnostic(n.diagnostic);
      const remoteMta = n.remoteMta ?? split.remoteMta;
      return {
        finalRecipient: n.recipient.address,
        ...(n.recipient.orcpt ? { originalRecipient: n.recipient.orcpt } : {}),
        action,
        status: n.status,
        ...(remoteMta ? { remoteMta } : {}),
        diagnostic: split.reply ?? n.diagnostic,
        diagnosticType: split.reply ? 'smtp' : 'X-Queue-Runner',
        ...(n.recipient.lastAttemptAt ? { lastAttemptDate: new Date(n.recipient.lastAttemptAt) } : {}),
        ...(willRetryUntil ? { willRetryUntil } : {}),
      };
    });
    const spool = this.options.spool;
    const report = buildDsn({
      reportingMta: hostname,
      to: sender,
      ...(job.dsn.envid ? { envelopeId: job.dsn.envid } : {}),
      arrivalDate: new Date(job.received.at),
      ...(job.dsn.ret ? { ret: job.dsn.ret } : {}),
      recipients,
      original: { content: () => spool.stream(job.spoolId), size: job.size, eightBit: job.eightBitMime || job.smtputf8 },
      ...(job.messageId ? { originalMessageId: job.messageId } : {}),
      smtputf8: job.smtputf8,
      queueId: job.spoolId,
    });
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    const local = await this.options.domains.isLocalDomain(domain);
    const now = new Date().toISOString();
    const { spoolId } = await this.options.producer.submit(
      report.stream(),
      ({ spoolId: id, size }) => {
        const base = {
          v: 1 as const,
          spoolId: id,
          size,
          sender: '',
          dsn: {},
          received: { at: now, clientAddress: '127.0.0.1', clientHostname: hostname, protocol: 'local' },
          smtputf8: report.smtputf8,
          eightBitMime: report.eightBitMime,
          messageId: report.messageId,
        };
        return local
          ? { deliver: { ...base, recipients: [{ address: sender }] } }
          : { outbound: { ...base, recipients: [{ address: sender }], firstAttemptAt: now } };
      },
      { refs: 1 },
    );
    log?.info({ jobId, action, to: sender, recipients: due.length, dsnSpoolId: spoolId, local }, `queued a ${action} report to the sender`);
    return spoolId;
  }
}
