// The first part of a submitted message: which header fields it has, where its header section ends, and the
// message as stored: trace header first, then Message-ID:/Date: when missing (RFC 6409 §8.2, §8.3), streaming.
import { randomBytes } from 'node:crypto';
import { rfc5322Date } from './received.js';

/** How much of the message is examined for the header section; beyond it, fields are not looked for. */
export const HEADER_SCAN_LIMIT = 256 * 1024;

export interface HeaderScan {
  /** Lowercase field names seen. */
  fields: Set<string>;
  /** Octets of the header section (complete field lines, CRLF included); the body or separator follows. */
  length: number;
  /**
   * What follows the header section: the empty separator line, the end of the message, or a line that is not a
   * header field (the separator is missing and should be supplied), or unknown when the scan limit was reached.
   */
  next: 'separator' | 'end' | 'body' | 'unknown';
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/; // RFC 5322 ftext, with obsolete WSP before the colon

/** Finds the header section of a message fed in pieces of any size, in linear time. */
export class HeaderScanner {
  private readonly fields = new Set<string>();
  private length = 0;
  private partial: Buffer[] = [];
  private partialLength = 0;
  private result: HeaderScan | undefined;

  /** The scan, once the end of the header section (or the scan limit) has been reached. */
  feed(chunk: Buffer): HeaderScan | undefined {
    let pos = 0;
    while (!this.result && pos < chunk.length) {
      const lf = chunk.indexOf(0x0a, pos);
      if (lf < 0) {
        this.partial.push(chunk.subarray(pos));
        this.partialLength += chunk.length - pos;
        break;
      }
      const line = Buffer.concat([...this.partial, chunk.subarray(pos, lf + 1)]);
      this.partial = [];
      this.partialLength = 0;
      this.line(line);
      pos = lf + 1;
    }
    if (!this.result && this.length + this.partialLength >= HEADER_SCAN_LIMIT) this.finish('unknown');
    return this.result;
  }

  /** The scan of a message that ended (its last line may lack CRLF). */
  end(): HeaderScan {
    if (this.result) return this.result;
    if (this.partialLength > 0) {
      const last = Buffer.concat(this.partial);
      if (this.isField(last)) this.length += last.length;
      else return this.finish('body');
    }
    return this.finish('end');
  }

  private finish(next: HeaderScan['next']): HeaderScan {
    this.result = { fields: this.fields, length: this.length, next };
    return this.result;
  }

  private isField(line: Buffer): boolean {
    const m = FIELD_NAME.exec(line.subarray(0, 1000).toString('latin1'));
    if (m) this.fields.add(m[0].replace(/[ \t]*:$/, '').toLowerCase());
    return m !== null;
  }

  private line(line: Buffer): void {
    if ((line.length === 2 && line[0] === 0x0d) || line.length === 1) {
      this.finish('separator');
      return;
    }
    const folded = line[0] === 0x20 || line[0] === 0x09;
    if (folded ? this.length === 0 : !this.isField(line)) {
      this.finish('body');
      return;
    }
    this.length += line.length;
  }
}

/** Scans a whole buffer (`complete`: it is the entire message); undefined when more text is needed. */
export function scanHeader(text: Buffer, complete: boolean): HeaderScan | undefined {
  const s = new HeaderScanner();
  return s.feed(text) ?? (complete ? s.end() : undefined);
}

/** A Message-ID for a message submitted without one: `<time.random@hostname>`. */
export function newMessageId(hostname: string, now = Date.now()): string {
  return `<${now.toString(36)}.${randomBytes(9).toString('base64url')}@${hostname}>`;
}

export interface AssembleOptions {
  /** Header lines (CRLF-terminated) to put before the message: the Received: header. */
  prepend: string;
  /** On submission: add Message-ID:/Date: when the message has none. */
  complete?: { hostname: string; date: Date };
}

async function* concat(first: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const b of first) if (b.length) yield b;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

/** The message as stored: the trace header, fields a submission lacks, then the content unchanged. */
export async function* assembleMessage(body: AsyncIterable<Buffer>, options: AssembleOptions): AsyncGenerator<Buffer> {
  const prepend = Buffer.from(options.prepend, 'utf8');
  const it = body[Symbol.asyncIterator]();
  if (!options.complete) {
    yield* concat([prepend], it);
    return;
  }
  const seen: Buffer[] = [];
  const scanner = new HeaderScanner();
  let scan: HeaderScan | undefined;
  let ended = false;
  while (!scan) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      scan = scanner.end();
    } else {
      seen.push(r.value);
      scan = scanner.feed(r.value);
    }
  }
  let added = '';
  if (!scan.fields.has('message-id')) added += `Message-ID: ${newMessageId(options.complete.hostname)}\r\n`;
  if (!scan.fields.has('date')) added += `Date: ${rfc5322Date(options.complete.date)}\r\n`;
  const all = Buffer.concat(seen);
  const pieces = [prepend, Buffer.from(added, 'utf8'), all.subarray(0, scan.length)];
  // A body line right after the fields would be read as a field: supply the empty separator line.
  if (scan.next === 'body') pieces.push(Buffer.from('\r\n'));
  pieces.push(all.subarray(scan.length));
  if (ended) {
    for (const p of pieces) if (p.length) yield p;
    return;
  }
  yield* concat(pieces, it);
}
