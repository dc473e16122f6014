// The machine-readable part of a report: the per-message and per-recipient field groups of RFC 3464 §2.2 and §2.3.
import { foldField, formatDate, isAscii, oneLine, typedAddress } from './format.js';
import { checkStatus } from './status.js';
import { DsnError, type DsnInput, type DsnRecipient } from './types.js';

/** RFC 3464 §2.3.5: a host name for Remote-MTA and Reporting-MTA, without anything that could break the field. */
function mtaName(name: string): string {
  const host = oneLine(name);
  if (host === '' || /[\s;]/.test(host)) throw new DsnError(`'${name}' is not an MTA name`);
  return host;
}

function recipientGroup(r: DsnRecipient, global: boolean): string {
  checkStatus(r.action, r.status);
  if (r.finalRecipient.trim() === '') throw new DsnError('a recipient without an address');
  let out = '';
  if (r.originalRecipient !== undefined && r.originalRecipient.trim() !== '') {
    out += foldField('Original-Recipient', typedAddress(r.originalRecipient, global, true));
  }
  out += foldField('Final-Recipient', typedAddress(r.finalRecipient, global));
  out += `Action: ${r.action}\r\n`;
  out += `Status: ${r.status}\r\n`;
  if (r.remoteMta !== undefined) out += foldField('Remote-MTA', `dns; ${mtaName(r.remoteMta)}`);
  if (r.diagnostic !== undefined && oneLine(r.diagnostic) !== '') {
    const type = oneLine(r.diagnosticType ?? 'smtp').toLowerCase();
    let text = oneLine(r.diagnostic);
    // A 7-bit report carries 7-bit diagnostics (RFC 3464 §2.3.6 *text); a global one may keep UTF-8 (RFC 6533 §6.2).
    if (!global && !isAscii(text)) text = text.replace(/[^\x20-\x7e]/g, '?');
    out += foldField('Diagnostic-Code', `${type}; ${text}`);
  }
  if (r.lastAttemptDate) out += `Last-Attempt-Date: ${formatDate(r.lastAttemptDate)}\r\n`;
  if (r.action === 'delayed' && r.willRetryUntil) out += `Will-Retry-Until: ${formatDate(r.willRetryUntil)}\r\n`;
  return out;
}

/** The body of the message/delivery-status (or message/global-delivery-status) part, CRLF line ends. */
export function deliveryStatusBody(input: DsnInput, global: boolean): string {
  if (input.recipients.length === 0) throw new DsnError('a report needs at least one recipient');
  let head = `Reporting-MTA: dns; ${mtaName(input.reportingMta)}\r\n`;
  if (input.queueId !== undefined && oneLine(input.queueId) !== '') head += foldField('X-Queue-ID', oneLine(input.queueId));
  if (input.envelopeId !== undefined && oneLine(input.envelopeId) !== '') {
    const envid = oneLine(input.envelopeId);
    if (!global && !isAscii(envid)) throw new DsnError('ENVID must be ASCII (RFC 3461 §4.4)');
    head += foldField('Original-Envelope-Id', envid);
  }
  head += `Arrival-Date: ${formatDate(input.arrivalDate)}\r\n`;
  return [head, ...input.recipients.map((r) => recipientGroup(r, global))].join('\r\n');
}
