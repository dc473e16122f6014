// How `mailctl queue` prints jobs: the postqueue -p style listing, its summary line, the postcat style envelope,
// and the split of a spooled message into headers and a body preview; every shown string is made terminal-safe.
import type { JobDetail, JobState, JobSummary, QueueName, SpoolEntryInfo } from '@mail/queue';

/** What the listing calls each state: a delayed job waits for its next attempt, i.e. is deferred (postqueue's word). */
export const STATE_LABEL: Record<JobState, string> = {
  waiting: 'waiting',
  active: 'active',
  delayed: 'deferred',
  failed: 'failed',
  held: 'held',
  completed: 'done',
};

/**
 * Makes text safe to print on a terminal: C0 and C1 control characters (ESC sequences above all) and DEL become
 * `\xNN`; tabs stay. Message contents and stored jobs come from the outside world and must not drive the terminal.
 */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** An instant as ISO 8601 UTC to the second: 2026-12-03T13:40:00Z. */
export function time(d: Date | string | undefined): string {
  if (d === undefined) return '-';
  const date = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? safe(String(d)) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An envelope path as written in SMTP: `<alice@example.org>`, `<>` for the null sender. */
export function path(address: string | undefined): string {
  return address === undefined ? '<?>' : `<${safe(address)}>`;
}

const columns = (id: string, queue: string, state: string, arrival: string, size: string, sender: string): string =>
  [id.padEnd(28), queue.padEnd(8), state.padEnd(8), arrival.padEnd(20), size.padStart(9), sender].join('  ');

/** The heading of the listing. */
export const LIST_HEADING = columns('ID', 'QUEUE', 'STATE', 'ARRIVAL', 'SIZE', 'SENDER');

/** The first line of a job: id, queue, state, arrival, size, sender (postqueue -p's columns, plus queue and state). */
export function jobLine(job: JobSummary): string {
  return columns(safe(job.id), job.queue, STATE_LABEL[job.state], time(job.arrival), String(job.size ?? '?'), path(job.sender));
}

/** A job for the listing: its line, then indented lines for what is pending and for each recipient. */
export function listEntry(job: JobSummary): string {
  const lines = [jobLine(job)];
  if (job.held) lines.push(`    held since ${time(job.held.at)}${job.held.reason ? `: ${safe(job.held.reason)}` : ''}`);
  if (job.nextAttemptAt) lines.push(`    next attempt ${time(job.nextAttemptAt)}`);
  if (job.attempts > 0 || job.lastError) lines.push(`    ${job.attempts} failed attempt${job.attempts === 1 ? '' : 's'}${job.lastError ? `: ${safe(job.lastError)}` : ''}`);
  for (const r of job.recipients) lines.push(`    ${recipientText(r)}`);
  return lines.join('\n');
}

function recipientText(r: JobSummary['recipients'][number]): string {
  const parts = [path(r.address)];
  if (r.status) parts.push(r.status);
  if (r.attempts) parts.push(`${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`);
  const text = parts.join('  ');
  return r.lastError ? `${text}: ${safe(r.lastError)}` : text;
}

/** Counts of the listed jobs by queue and state. */
export type ListCounts = Record<QueueName, Partial<Record<JobState, number>>>;

export function countJobs(jobs: Iterable<JobSummary>, queues: readonly QueueName[]): { counts: ListCounts; total: number; bytes: number } {
  const counts = Object.fromEntries(queues.map((q) => [q, {}])) as ListCounts;
  let total = 0;
  let bytes = 0;
  for (const j of jobs) {
    const c = (counts[j.queue] ??= {});
    c[j.state] = (c[j.state] ?? 0) + 1;
    total += 1;
    bytes += j.size ?? 0;
  }
  return { counts, total, bytes };
}

/** `-- 5 jobs, 12345 bytes: deliver 3 (1 waiting, 1 deferred, 1 held), outbound 2 (2 waiting)`. */
export function summaryLine({ counts, total, bytes }: ReturnType<typeof countJobs>): string {
  if (total === 0) return '-- queue is empty';
  const perQueue = Object.entries(counts).map(([queue, c]) => {
    const n = Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
    const states = Object.entries(c).map(([state, k]) => `${k} ${STATE_LABEL[state as JobState]}`);
    return n === 0 ? `${queue} 0` : `${queue} ${n} (${states.join(', ')})`;
  });
  return `-- ${total} job${total === 1 ? '' : 's'}, ${bytes} bytes: ${perQueue.join(', ')}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** The facts of the Received: header smtpd wrote: `from helo (host [addr]) with ESMTPSA as user, TLSv1.3 cipher, at TIME`. */
function receivedText(received: unknown): string | undefined {
  const r = rec(received);
  if (!str(r.clientAddress) && !str(r.at)) return undefined;
  const parts = [`from ${safe(str(r.helo) ?? '(no helo)')} (${str(r.clientHostname) ? `${safe(str(r.clientHostname)!)} ` : ''}[${safe(str(r.clientAddress) ?? '?')}])`];
  if (str(r.protocol)) parts.push(`with ${safe(str(r.protocol)!)}`);
  if (str(r.authUser)) parts.push(`authenticated as ${safe(str(r.authUser)!)}`);
  const tls = rec(r.tls);
  if (str(tls.version)) parts.push(`${safe(str(tls.version)!)} ${safe(str(tls.cipher) ?? '')}`.trim());
  if (str(r.at)) parts.push(`at ${time(str(r.at))}`);
  return parts.join(', ');
}

function dsnText(dsn: unknown): string | undefined {
  const d = rec(dsn);
  const parts = [str(d.ret) ? `RET=${safe(str(d.ret)!)}` : '', str(d.envid) ? `ENVID=${safe(str(d.envid)!)}` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/** One recipient of a stored job with its DSN parameters (RFC 3461) and, for outbound jobs, its delivery state. */
function envelopeRecipient(r: unknown): string {
  const x = rec(r);
  const parts = [path(str(x.address))];
  if (Array.isArray(x.notify)) parts.push(`NOTIFY=${x.notify.map((n) => safe(String(n))).join(',')}`);
  else if (str(x.notify)) parts.push(`NOTIFY=${safe(str(x.notify)!)}`);
  if (str(x.orcpt)) parts.push(`ORCPT=${safe(str(x.orcpt)!)}`);
  if (str(x.status)) parts.push(safe(str(x.status)!));
  if (typeof x.attempts === 'number' && x.attempts > 0) parts.push(`${x.attempts} attempt${x.attempts === 1 ? '' : 's'}`);
  if (str(x.lastAttemptAt)) parts.push(`last tried ${time(str(x.lastAttemptAt))}`);
  const text = parts.join(' ');
  return str(x.lastError) ? `${text}: ${safe(str(x.lastError)!)}` : text;
}

/** The envelope of a job as `Name: value` lines (postcat's ENVELOPE RECORDS). */
export function envelopeLines(job: JobDetail, spool: SpoolEntryInfo | undefined): string[] {
  const data = rec(job.data);
  const rows: Array<[string, string | undefined]> = [
    ['Job', `${job.id} (${job.queue}, ${STATE_LABEL[job.state]})`],
    ['Arrival', time(job.arrival)],
    ['Held', job.held ? `since ${time(job.held.at)}${job.held.reason ? `: ${safe(job.held.reason)}` : ''}` : undefined],
    ['Next attempt', job.nextAttemptAt ? time(job.nextAttemptAt) : undefined],
    ['First attempt', str(data.firstAttemptAt) ? time(str(data.firstAttemptAt)) : undefined],
    ['Attempts', job.attempts > 0 ? String(job.attempts) : undefined],
    ['Last error', job.lastError ? safe(job.lastError) : undefined],
    ['Spool', job.spoolId ? `${safe(job.spoolId)}${spool ? ` (${spool.size} bytes, ${spool.refs} reference${spool.refs === 1 ? '' : 's'})` : ' (missing)'}` : undefined],
    ['Size', job.size !== undefined ? String(job.size) : undefined],
    ['Sender', path(job.sender)],
    ...(Array.isArray(data.recipients) ? data.recipients : []).map((r): [string, string] => ['Recipient', envelopeRecipient(r)]),
    ['DSN', dsnText(data.dsn)],
    ['Received', receivedText(data.received)],
    ['Message-ID', job.messageId ? safe(job.messageId) : undefined],
    ['Body', [data.eightBitMime === true ? '8BITMIME' : '', data.smtputf8 === true ? 'SMTPUTF8' : ''].filter(Boolean).join(' ') || undefined],
    ['Invalid job', job.invalid ? safe(job.invalid) : undefined],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.filter((r): r is [string, string] => r[1] !== undefined).map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
}

/** The beginning of a message, split into its header block and its first body lines. */
export interface MessageHead {
  headers: string[];
  bodyLines: string[];
  /** Whether the message goes on after what was split here. */
  more: boolean;
}

/**
 * Splits the first bytes of a message (`complete` when they are the whole message) into its header lines and up to
 * `maxLines` body lines, each made terminal-safe and cut at `maxWidth` characters. CRLF and bare LF both end lines.
 */
export function splitHead(bytes: Buffer, complete: boolean, maxLines: number, maxWidth = 200): MessageHead {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const lines = text.split(/\r?\n/);
  // The last piece is a whole line only when the message ends here.
  let partial = lines.pop() ?? '';
  if (complete && partial !== '') {
    lines.push(partial);
    partial = '';
  }
  const blank = lines.findIndex((l) => l === '');
  const headerCount = blank < 0 ? lines.length : blank;
  const cut = (l: string): string => {
    const s = safe(l);
    return s.length > maxWidth ? `${s.slice(0, maxWidth)}…` : s;
  };
  const headers = lines.slice(0, headerCount).map(cut);
  const body = blank < 0 ? [] : lines.slice(blank + 1);
  return {
    headers,
    bodyLines: body.slice(0, maxLines).map(cut),
    more: body.length > maxLines || partial !== '' || !complete,
  };
}
