// Typed POP3 replies and errors, and their wire form: status lines, multi-line responses with byte-stuffing.
import type { Readable } from 'node:stream';
import { CRLF, ERR, OK, TERMINATOR, type RespCode } from './codes.js';

/** What the session does after sending a reply. */
export type After = 'continue' | 'close' | 'starttls';

/** A multi-line body that is produced while it is sent (RETR, TOP): the encoded, byte-stuffed octets and terminator. */
export interface StreamBody {
  /** Yields the body already converted to CRLF and byte-stuffed, ending with the terminating "." line. */
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  /** Stops reading the source early (the connection went away). */
  abort(): void;
  /** Message octets sent so far, without byte-stuffing and terminator (for checking against the size announced). */
  octets(): number;
  /** Called with each part once the socket is done with it (written, or the connection failed): its memory can be reused. */
  written?: (part: Buffer) => void;
  /** RETR: the size LIST announced, which the message octets sent must equal. */
  expectedOctets?: number;
  /** Called once the whole body was handed to the socket. */
  sent?: () => void;
}

/** A positive reply: one status line, optionally a multi-line body of short lines or a streamed body. */
export interface OkReply {
  kind: 'ok';
  text: string;
  /** Lines of a multi-line response, without CRLF; byte-stuffed when written. */
  lines?: readonly string[];
  stream?: StreamBody;
  after?: After;
}

export interface ErrReply {
  kind: 'err';
  text: string;
  code?: RespCode;
  after?: After;
}

export type Reply = OkReply | ErrReply;

export const ok = (text = '', options: Omit<OkReply, 'kind' | 'text'> = {}): OkReply => ({ kind: 'ok', text, ...options });

/** A negative reply as an error value: handlers throw it and the dispatcher sends it. */
export class Pop3Error extends Error {
  readonly code: RespCode | undefined;
  /** Whether it counts towards the bad-command limit (syntax errors, unknown commands, wrong state). */
  readonly bad: boolean;
  readonly after: After;

  constructor(text: string, options: { code?: RespCode; bad?: boolean; after?: After } = {}) {
    super(text);
    this.name = 'Pop3Error';
    this.code = options.code;
    this.bad = options.bad ?? false;
    this.after = options.after ?? 'continue';
  }

  toReply(): ErrReply {
    return { kind: 'err', text: this.message, ...(this.code ? { code: this.code } : {}), after: this.after };
  }
}

/** A command the client got wrong (counts towards the bad-command limit). */
export function syntaxError(text: string): Pop3Error {
  return new Pop3Error(text, { bad: true });
}

/** One status line: `+OK text` or `-ERR [CODE] text`. */
export function statusLine(reply: Reply): string {
  const code = reply.kind === 'err' && reply.code ? ` [${reply.code}]` : '';
  const text = reply.text ? ` ${reply.text}` : '';
  return `${reply.kind === 'ok' ? OK : ERR}${code}${text}${CRLF}`;
}

/** A multi-line body of short lines: each line byte-stuffed (RFC 1939 §3), then the terminator. */
export function multiLine(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) out += (line.startsWith('.') ? `.${line}` : line) + CRLF;
  return out + TERMINATOR;
}

/** The whole reply as text, except a streamed body. */
export function formatReply(reply: Reply): string {
  const status = statusLine(reply);
  return reply.kind === 'ok' && reply.lines ? status + multiLine(reply.lines) : status;
}

/** Destroys a source stream quietly. */
export function destroyQuietly(stream: Readable): void {
  stream.on('error', () => undefined);
  stream.destroy();
}
