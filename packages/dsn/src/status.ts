// RFC 3463 enhanced status codes as the reports use them: syntax, class and agreement with the Action field.
import { DsnError, type DsnAction } from './types.js';

const STATUS = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

/** Whether `code` is an RFC 3463 status code "class.subject.detail" (class 2, 4 or 5, each part at most 3 digits). */
export function isStatusCode(code: string): boolean {
  return STATUS.test(code);
}

/** The class digit of a status code: 2 success, 4 persistent transient failure, 5 permanent failure. */
export function statusClass(code: string): 2 | 4 | 5 {
  const m = STATUS.exec(code);
  if (!m) throw new DsnError(`'${code}' is not an RFC 3463 status code`);
  return Number(m[1]) as 2 | 4 | 5;
}

/** Checks that the status class fits the action (RFC 3464 §2.3.4): 2.x.x for delivered, relayed and expanded, 4.x.x for delayed, 4 or 5 for failed. */
export function checkStatus(action: DsnAction, status: string): void {
  const cls = statusClass(status);
  const ok = action === 'failed' ? cls === 4 || cls === 5 : action === 'delayed' ? cls === 4 : cls === 2;
  if (!ok) throw new DsnError(`status ${status} does not fit action ${action}`);
}

/** Short descriptions of the codes the suite reports, for the human-readable part (RFC 3463 §3). */
const TEXT: Record<string, string> = {
  '2.0.0': 'delivered',
  '4.2.2': 'mailbox full',
  '5.2.2': 'mailbox full',
  '4.3.0': 'temporary mail system failure',
  '5.3.0': 'mail system failure',
  '5.1.1': 'no such recipient',
  '5.1.2': 'destination domain does not exist',
  '4.4.1': 'no answer from the destination host',
  '4.4.7': 'delivery time expired',
  '5.4.6': 'mail forwarding loop',
  '5.7.1': 'delivery not authorized, message refused',
};

/** A few words for a status code, or an empty string. */
export function statusText(code: string): string {
  return TEXT[code] ?? '';
}
