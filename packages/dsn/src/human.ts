// The human-readable first part of a report and its subject, written for the person who sent the message.
import { formatDate, oneLine } from './format.js';
import { statusText } from './status.js';
import type { DsnAction, DsnInput, DsnRecipient } from './types.js';

/** The most important action of a report decides its subject and introduction: failed, then delayed, then success. */
export function leadingAction(recipients: readonly DsnRecipient[]): DsnAction {
  if (recipients.some((r) => r.action === 'failed')) return 'failed';
  if (recipients.some((r) => r.action === 'delayed')) return 'delayed';
  return recipients[0]?.action ?? 'delivered';
}

export function subjectFor(action: DsnAction): string {
  switch (action) {
    case 'failed':
      return 'Delivery Status Notification (Failure)';
    case 'delayed':
      return 'Delivery Status Notification (Delay)';
    default:
      return 'Delivery Status Notification (Success)';
  }
}

function describe(r: DsnRecipient): string {
  const what = r.diagnostic !== undefined && oneLine(r.diagnostic) !== '' ? oneLine(r.diagnostic) : `${r.status} ${statusText(r.status)}`.trim();
  const where = r.remoteMta ? `host ${oneLine(r.remoteMta)} said: ` : '';
  const verb = r.action === 'expanded' ? 'delivered to the members of this alias' : r.action === 'relayed' ? 'relayed to a system that sends no further notices' : '';
  return `<${oneLine(r.finalRecipient)}>: ${verb || `${where}${what}`}`;
}

/** The text of the first part (CRLF line ends). `returned` says what of the original follows. */
export function humanText(input: DsnInput, returned: 'message' | 'headers' | 'none'): string {
  const host = oneLine(input.reportingMta);
  const lead = leadingAction(input.recipients);
  const lines: string[] = [`This is the mail system at host ${host}.`, ''];
  const attached = returned === 'message' ? ' It is attached below.' : returned === 'headers' ? ' Its headers are attached below.' : '';
  if (lead === 'failed') {
    lines.push(
      'I am sorry to tell you that your message could not be delivered to one or more',
      `recipients.${attached}`,
      '',
      `For further help, write to postmaster@${host} and include this report.`,
    );
  } else if (lead === 'delayed') {
    lines.push(
      'THIS IS A WARNING ONLY. YOU DO NOT NEED TO SEND YOUR MESSAGE AGAIN.',
      '',
      'Your message could not be delivered to one or more recipients yet. The mail',
      'system keeps trying; you will be told if it gives up.',
    );
    const until = input.recipients.find((r) => r.willRetryUntil)?.willRetryUntil;
    if (until) lines.push(`Delivery will be tried until ${formatDate(until)}.`);
  } else {
    lines.push('Your message was delivered to the recipients listed below, as you asked to be told.');
  }
  if (input.queueId) lines.push('', `Queue id of your message: ${oneLine(input.queueId)}`);
  lines.push('', ...input.recipients.map(describe), '');
  return lines.join('\r\n');
}
