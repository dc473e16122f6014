// RFC 3461 §4.1 NOTIFY: which delivery events a sender asked to hear about, and never to the null sender.
import type { DsnAction } from './types.js';

export type NotifyKeyword = 'SUCCESS' | 'FAILURE' | 'DELAY';
/** NOTIFY as the queue's jobs carry it: NEVER, or a set of keywords; absent when the client gave none. */
export type NotifySpec = 'NEVER' | readonly NotifyKeyword[];

/** What an MTA assumes without a NOTIFY parameter (RFC 3461 §4.1: "FAILURE" or "FAILURE,DELAY"; Postfix and Sendmail use both). */
export const DEFAULT_NOTIFY: readonly NotifyKeyword[] = ['FAILURE', 'DELAY'];

/** The NOTIFY keyword that asks for a report with `action`. */
export function notifyKeyword(action: DsnAction): NotifyKeyword {
  switch (action) {
    case 'failed':
      return 'FAILURE';
    case 'delayed':
      return 'DELAY';
    default:
      return 'SUCCESS';
  }
}

/**
 * Whether a report with `action` about `recipient` goes to the job's sender: never for the null sender `<>`
 * (a bounce of a bounce), never with NOTIFY=NEVER, otherwise when the NOTIFY set (default FAILURE,DELAY) names it.
 */
export function shouldSendDsn(job: { sender: string }, recipient: { notify?: NotifySpec | undefined }, action: DsnAction): boolean {
  if (job.sender.trim() === '') return false;
  const notify = recipient.notify ?? DEFAULT_NOTIFY;
  if (notify === 'NEVER') return false;
  return notify.includes(notifyKeyword(action));
}
