// IMAP dates (RFC 9051 §9 date, date-time): parse SEARCH dates and APPEND date-times, format INTERNALDATE.
import type { ImapDate } from './parser/types.js';

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.toUpperCase(), i + 1]));

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** date-text = date-day "-" date-month "-" date-year, e.g. "1-Feb-1994"; null when malformed or impossible. */
export function parseDateText(text: string): ImapDate | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTH_INDEX.get((m[2] as string).toUpperCase());
  const year = Number(m[3]);
  if (month === undefined || !validDate(year, month, day)) return null;
  return { year, month, day };
}

/**
 * date-time = "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be space-padded, RFC 9051 date-day-fixed; a one-digit day
 * is accepted too). Returns the instant, or null when malformed or impossible.
 */
export function parseDateTime(text: string): Date | null {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [, d, mon, y, hh, mm, ss, sign, zh, zm] = m as unknown as string[];
  const day = Number(d);
  const month = MONTH_INDEX.get((mon as string).toUpperCase());
  const year = Number(y);
  const hour = Number(hh);
  const minute = Number(mm);
  const second = Math.min(Number(ss), 59);
  const zoneHours = Number(zh);
  const zoneMinutes = Number(zm);
  if (month === undefined || !validDate(year, month, day)) return null;
  if (hour > 23 || minute > 59 || Number(ss) > 60 || zoneHours > 23 || zoneMinutes > 59) return null;
  const offset = (sign === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  return new Date(utcMs(year, month, day, hour, minute, second) - offset * 60_000);
}

/** Date.UTC without its mapping of years 0-99 to 1900-1999. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Recent INTERNALDATE texts in UTC by time (a mailbox's messages are fetched again and again); cleared when full. */
const utcTexts = new Map<number, string>();
const UTC_TEXTS = 4096;

/** INTERNALDATE text: "17-Jul-1996 02:44:25 -0700" (date-day-fixed: space-padded day) in the given zone. */
export function formatDateTime(date: Date, offsetMinutes = 0): string {
  if (offsetMinutes !== 0) return dateTimeText(date, offsetMinutes);
  const ms = date.getTime();
  let text = utcTexts.get(ms);
  if (text === undefined) {
    text = dateTimeText(date, 0);
    if (utcTexts.size >= UTC_TEXTS) utcTexts.clear();
    utcTexts.set(ms, text);
  }
  return text;
}

function dateTimeText(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const day = String(local.getUTCDate()).padStart(2, ' ');
  const month = MONTHS[local.getUTCMonth()] as string;
  return (
    `${day}-${month}-${pad(local.getUTCFullYear(), 4)} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/** SEARCH date text: "1-Feb-1994". */
export function formatDate(date: ImapDate): string {
  return `${date.day}-${MONTHS[date.month - 1] ?? 'Jan'}-${pad(date.year, 4)}`;
}

/** Midnight UTC of a SEARCH date, for comparisons (RFC 9051 compares dates disregarding time and zone). */
export function imapDateToUtc(date: ImapDate): number {
  return utcMs(date.year, date.month, date.day);
}
