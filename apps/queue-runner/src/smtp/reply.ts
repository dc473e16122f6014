// SMTP replies (RFC 5321 §4.2): multi-line assembly, enhanced status codes (RFC 3463), and their classification.

export interface SmtpReply {
  code: number;
  /** The RFC 3463 enhanced status code of the first line ("5.1.1"), when the server sent one. */
  enhanced?: string;
  /** Text of each line after the code (and enhanced code). */
  lines: string[];
}

export type ReplyClass = 'success' | 'intermediate' | 'temporary' | 'permanent';

/** A reply line that does not follow RFC 5321 §4.2. */
export class ReplySyntaxError extends Error {
  override name = 'ReplySyntaxError';
}

export function classify(code: number): ReplyClass {
  if (code >= 200 && code < 300) return 'success';
  if (code >= 300 && code < 400) return 'intermediate';
  if (code >= 400 && code < 500) return 'temporary';
  return 'permanent';
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?:\s+|$)/;

/** Collects the lines of one reply; push() returns the reply once its last line ("NNN text") arrived. */
export class ReplyAssembler {
  private code: number | undefined;
  private lines: string[] = [];

  constructor(private readonly maxLines = 200) {}

  push(line: string): SmtpReply | null {
    const m = /^([2-5][0-9][0-9])([ -]|$)(.*)$/.exec(line);
    if (!m) throw new ReplySyntaxError(`not an SMTP reply line: ${JSON.stringify(line.slice(0, 100))}`);
    const code = Number(m[1]);
    if (this.code !== undefined && code !== this.code) throw new ReplySyntaxError(`reply code changed within a multi-line reply (${this.code} then ${code})`);
    this.code = code;
    this.lines.push(m[3]!);
    if (this.lines.length > this.maxLines) throw new ReplySyntaxError(`reply longer than ${this.maxLines} lines`);
    if (m[2] === '-') return null;
    const lines = this.lines;
    this.code = undefined;
    this.lines = [];
    return withEnhanced(code, lines);
  }
}

function withEnhanced(code: number, lines: string[]): SmtpReply {
  const m = ENHANCED.exec(lines[0] ?? '');
  // The enhanced code's class must match the reply's (RFC 3463 §3: 2.x.x with 2yz and so on).
  if (!m || Number(m[1]) !== Math.floor(code / 100)) return { code, lines };
  const enhanced = `${m[1]}.${m[2]}.${m[3]}`;
  return { code, enhanced, lines: lines.map((l) => (l.startsWith(enhanced) ? l.slice(enhanced.length).trimStart() : l)) };
}

/** The reply on one line, as a DSN's Diagnostic-Code and the job's lastError quote it: "550 5.1.1 No such user". */
export function replyText(reply: SmtpReply): string {
  const text = reply.lines.map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return [String(reply.code), reply.enhanced, text].filter((p) => p !== undefined && p !== '').join(' ').slice(0, 1000);
}

/** The status code for a DSN: the server's enhanced code, else the RFC 3463 default for the reply class. */
export function statusOf(reply: SmtpReply): string {
  if (reply.enhanced) return reply.enhanced;
  return classify(reply.code) === 'temporary' ? '4.0.0' : classify(reply.code) === 'permanent' ? '5.0.0' : '2.0.0';
}

/** EHLO keywords (RFC 5321 §4.1.1.1) from the lines after the greeting line: keyword (upper case) → parameters. */
export function parseEhlo(reply: SmtpReply): Map<string, string[]> {
  const caps = new Map<string, string[]>();
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...params] = line.trim().split(/\s+/);
    if (keyword) caps.set(keyword.toUpperCase(), params);
  }
  return caps;
}
