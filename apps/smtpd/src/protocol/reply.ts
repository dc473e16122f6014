// Typed SMTP replies: what handlers return or throw, and the one function that turns them into wire text.
import type { EnhancedCode } from './codes.js';

export interface ReplyOptions {
  /** Close the connection after sending this reply. */
  close?: boolean;
  /**
   * Whether the reply counts toward the per-connection error limit. Defaults to true for 4xx/5xx replies; a
   * handler sets false for expected refusals such as the recipient limit (Postfix recipient overshoot).
   */
  countsAsError?: boolean;
}

/** A reply: code, optional enhanced status code (RFC 3463) and one or more text lines. Thrown as an error too. */
export class SmtpReply extends Error {
  readonly lines: readonly string[];

  constructor(
    readonly code: number,
    readonly enhanced: EnhancedCode | undefined,
    text: string | readonly string[],
    readonly options: ReplyOptions = {},
  ) {
    const lines = typeof text === 'string' ? [text] : text.length > 0 ? [...text] : [''];
    // A reply is made for every command; it is thrown to answer, not to report a fault: no stack trace is
    // captured (capturing one costs more than the rest of a command's handling).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${code} ${lines.join(' / ')}`);
    Error.stackTraceLimit = limit;
    this.name = 'SmtpReply';
    this.lines = lines;
  }

  get isError(): boolean {
    return this.code >= 400;
  }

  get closes(): boolean {
    return this.options.close === true || this.code === 421;
  }

  get countsAsError(): boolean {
    return this.options.countsAsError ?? this.isError;
  }

  /** The same reply, closing the connection after it is sent. */
  closing(): SmtpReply {
    return new SmtpReply(this.code, this.enhanced, this.lines, { ...this.options, close: true });
  }
}

/** Shorthand constructor. */
export function reply(code: number, enhanced: EnhancedCode | undefined, text: string | readonly string[], options?: ReplyOptions): SmtpReply {
  return new SmtpReply(code, enhanced, text, options);
}

/** Replaces control characters, CR, LF and non-ASCII with `?`: nothing can break a reply line or forge another. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** Client-supplied text (an address, a HELO name) shortened and made printable for echoing in a reply. */
export function echo(text: string, max = 200): string {
  const clean = printable(text);
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** Wire form: `250-first`, ..., `250 last`, each line ending in CRLF, the enhanced code after the basic code. */
export function formatReply(r: SmtpReply): string {
  const prefix = r.enhanced ? `${r.enhanced} ` : '';
  let out = '';
  r.lines.forEach((line, i) => {
    const sep = i < r.lines.length - 1 ? '-' : ' ';
    out += `${r.code}${sep}${prefix}${printable(line)}\r\n`;
  });
  return out;
}
