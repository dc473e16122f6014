// What a delivery attempt works with: the directory, the mailboxes, the queue, the progress record, the checks and
// settings. main.ts builds it from the configuration; tests build it around a real Redis and temporary Maildirs.
import type { Directory } from '@mail/auth';
import type { Logger } from '@mail/log';
import type { Producer, QueueAdmin } from '@mail/queue';
import type { DeliveryFilter } from './filter.js';
import type { InboundChecks } from './authres.js';
import type { ContentChecks } from './hooks.js';
import type { ProgressStore } from './progress.js';
import type { Quarantine } from './quarantine.js';
import type { MailboxStores } from './stores.js';

export interface MdaSettings {
  /** Received plus Delivered-To fields above this count make a loop. */
  maxHops: number;
  /** An over-quota mailbox is retried this long after arrival, then the message bounces. */
  quotaGrace: number;
  /** Other temporary failures are retried this long (the retry schedule's giveUp), shown in delay warnings. */
  giveUp: number;
  /** Send one "delayed" report after a recipient has been retried this long (off when undefined). */
  delayWarning?: number;
  /** Largest original returned whole in a failure report when RET was not given. */
  returnLimit?: number;
}

export interface MdaContext {
  /** This host's name: Reporting-MTA and MAILER-DAEMON@ of reports. */
  hostname: string;
  directory: Directory;
  stores: MailboxStores;
  /** Spools and queues reports and forwarded copies. */
  producer: Producer;
  /** Looks up jobs (whether an outbound job exists for a spooled message). */
  admin: QueueAdmin;
  progress: ProgressStore;
  filter: DeliveryFilter;
  quarantine: Quarantine;
  /** Spam and virus commands; undefined when neither is configured. */
  checks?: ContentChecks;
  /** SPF, DKIM and DMARC of mail from untrusted clients; undefined when turned off. */
  inbound?: InboundChecks;
  settings: MdaSettings;
  now(): number;
  log: Logger;
}
