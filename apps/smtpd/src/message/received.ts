// Trace information added to every accepted message: the Received: header (RFC 5321 §4.4, RFC 5322 §3.6.7) with
// the protocol names of RFC 3848 and RFC 6531 §3.7.3, and the RFC 5322 date format.
import { domainToASCII } from 'node:url';
import type { TlsInfo } from '../ports.js';

export interface ProtocolFlags {
  /** The client greeted with EHLO (not HELO). */
  esmtp: boolean;
  tls: boolean;
  authenticated: boolean;
  /** The transaction used SMTPUTF8. */
  utf8: boolean;
}

/** SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA (RFC 3848) and UTF8SMTP, UTF8SMTPS, UTF8SMTPA, UTF8SMTPSA (RFC 6531). */
export function protocolName(f: ProtocolFlags): string {
  if (!f.esmtp) return 'SMTP';
  const base = f.utf8 ? 'UTF8SMTP' : 'ESMTP';
  return `${base}${f.tls ? 'S' : ''}${f.authenticated ? 'A' : ''}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time in the server's local time zone, e.g. `Tue, 1 Jul 2025 14:03:09 +0200`. */
export function rfc5322Date(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${DAYS[d.getDay()]}, ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

export interface TraceInfo {
  /** The EHLO/HELO argument. */
  helo: string;
  ip: string;
  /** Forward-confirmed reverse DNS name, or undefined. */
  rdns?: string;
  /** This server's name. */
  hostname: string;
  protocol: string;
  tls?: TlsInfo;
  /** Queue id. */
  id: string;
  /** The only recipient, when there is exactly one (naming one of several would disclose Bcc recipients). */
  recipient?: string;
  date: Date;
}

/** The HELO name as it may appear in a header: A-labels, printable ASCII, no comment delimiters. */
function heloForHeader(helo: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(helo) ? helo : domainToASCII(helo.replace(/\.$/, '')) || 'invalid';
  return ascii.replace(/[^\x21-\x7e]|[()\\]/g, '?');
}

/** `[192.0.2.1]` or `[IPv6:2001:db8::1]`. */
function ipLiteral(ip: string): string {
  return ip.includes(':') ? `[IPv6:${ip}]` : `[${ip}]`;
}

/**
 * `Received: from helo (rdns [ip]) by host with ESMTPS id X for <rcpt>; date`, folded, CRLF-terminated. Postfix
 * order: the TLS details are a comment after the from clause.
 */
export function receivedHeader(t: TraceInfo): string {
  const parts = [`Received: from ${heloForHeader(t.helo)} (${t.rdns ?? 'unknown'} ${ipLiteral(t.ip)})`];
  if (t.tls) parts.push(`(using ${t.tls.protocol} with cipher ${t.tls.cipher})`);
  const by = `by ${t.hostname} with ${t.protocol} id ${t.id}`;
  if (t.recipient) parts.push(by, `for <${t.recipient}>; ${rfc5322Date(t.date)}`);
  else parts.push(`${by}; ${rfc5322Date(t.date)}`);
  return `${parts.join('\r\n\t')}\r\n`;
}
