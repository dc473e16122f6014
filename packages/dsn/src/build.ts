// buildDsn: a complete RFC 3464 report as multipart/report (RFC 6522) from MAILER-DAEMON, streamed so that a large
// original is never held in memory; RFC 6533 global types when the report must carry UTF-8.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { deliveryStatusBody } from './delivery-status.js';
import { encodeQuotedPrintable, foldField, formatDate, isAscii, oneLine } from './format.js';
import { humanText, leadingAction, subjectFor } from './human.js';
import { originalChunks, originalHeader } from './original.js';
import { DsnError, type DsnInput, type DsnMessage } from './types.js';

export const DEFAULT_RETURN_LIMIT = 50_000;
export const DEFAULT_FULL_RETURN_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_HEADER_LIMIT = 256 * 1024;

const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

/** What of the original a report includes (RFC 3461 §4.3: RET applies to failure reports; others carry headers). */
export function returnMode(input: DsnInput): 'message' | 'headers' | 'none' {
  const original = input.original;
  if (!original) return 'none';
  if (leadingAction(input.recipients) !== 'failed' || input.ret === 'HDRS') return 'headers';
  const limit = input.ret === 'FULL' ? (input.fullReturnLimit ?? DEFAULT_FULL_RETURN_LIMIT) : (input.returnLimit ?? DEFAULT_RETURN_LIMIT);
  return original.size <= limit ? 'message' : 'headers';
}

function newMessageId(host: string): string {
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('hex')}@${host}>`;
}

function checkAddress(address: string, what: string): string {
  if (address.trim() === '') throw new DsnError(`${what}: a report is never sent to the null sender`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f<>]/.test(address)) throw new DsnError(`${what}: '${address}' cannot be written in a header`);
  return address;
}

/** Builds a report. Throws DsnError for input that cannot make a valid one (bad status, null recipient, ...). */
export function buildDsn(input: DsnInput): DsnMessage {
  const to = checkAddress(input.to, 'to');
  const host = oneLine(input.reportingMta);
  const global = input.smtputf8 === true || !isAscii(to);
  const returned = returnMode(input);
  const status = deliveryStatusBody(input, global);
  const text = humanText(input, returned);
  const messageId = input.messageId ?? newMessageId(host);
  if (!MESSAGE_ID.test(messageId)) throw new DsnError(`'${messageId}' is not a Message-ID`);
  const subject = subjectFor(leadingAction(input.recipients));
  const boundary = `=_report_${randomBytes(18).toString('hex')}`;
  const original = input.original;
  const originalEightBit = returned !== 'none' && original?.eightBit === true;
  const statusEightBit = !isAscii(status);
  const textEightBit = global && !isAscii(text);
  const eightBitMime = originalEightBit || statusEightBit || textEightBit;

  let head = `Date: ${formatDate(input.date ?? new Date())}\r\n`;
  head += `From: Mail Delivery System <MAILER-DAEMON@${host}>\r\n`;
  head += `To: <${to}>\r\n`;
  head += `Subject: ${subject}\r\n`;
  head += `Message-ID: ${messageId}\r\n`;
  const ref = input.originalMessageId?.trim();
  if (ref && MESSAGE_ID.test(ref) && (global || isAscii(ref))) head += `In-Reply-To: ${ref}\r\nReferences: ${ref}\r\n`;
  head += 'Auto-Submitted: auto-replied\r\n';
  head += 'MIME-Version: 1.0\r\n';
  head += foldField('Content-Type', `multipart/report; report-type=${global ? 'global-delivery-status' : 'delivery-status'}; boundary="${boundary}"`);
  if (eightBitMime) head += 'Content-Transfer-Encoding: 8bit\r\n';
  head += '\r\nThis is a MIME-encapsulated delivery status notification.\r\n';

  let first = `\r\n--${boundary}\r\nContent-Description: Notification\r\n`;
  if (isAscii(text)) first += `Content-Type: text/plain; charset=us-ascii\r\n\r\n${text}`;
  else if (global) first += `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}`;
  else first += `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encodeQuotedPrintable(text)}\r\n`;

  let second = `\r\n--${boundary}\r\nContent-Description: Delivery report\r\n`;
  second += `Content-Type: message/${global ? 'global-delivery-status' : 'delivery-status'}\r\n`;
  if (statusEightBit) second += 'Content-Transfer-Encoding: 8bit\r\n';
  second += `\r\n${status}`;

  let third = '';
  if (returned !== 'none') {
    const type = returned === 'message' ? (global ? 'message/global' : 'message/rfc822') : global ? 'message/global-headers' : 'text/rfc822-headers';
    third = `\r\n--${boundary}\r\nContent-Description: ${returned === 'message' ? 'Undelivered message' : 'Message headers'}\r\n`;
    third += `Content-Type: ${type}\r\n`;
    third += `Content-Transfer-Encoding: ${originalEightBit ? '8bit' : '7bit'}\r\n\r\n`;
  }
  const close = `\r\n--${boundary}--\r\n`;
  const headerLimit = input.headerLimit ?? DEFAULT_HEADER_LIMIT;

  async function* generate(): AsyncGenerator<Buffer> {
    yield Buffer.from(head + first + second + third, 'utf8');
    if (original && returned === 'message') yield* originalChunks(original);
    else if (original && returned === 'headers') yield await originalHeader(original, headerLimit);
    yield Buffer.from(close, 'utf8');
  }

  return {
    sender: '',
    recipient: to,
    messageId,
    subject,
    smtputf8: global,
    eightBitMime,
    returned,
    stream: () => Readable.from(generate(), { objectMode: false }),
    async toBuffer() {
      const parts: Buffer[] = [];
      for await (const chunk of generate()) parts.push(chunk);
      return Buffer.concat(parts);
    },
  };
}
