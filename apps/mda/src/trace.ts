// Trace header logic of local delivery: the Return-Path and Delivered-To fields prepended to each copy, and loop
// detection from the fields already there (too many hops, or a Delivered-To naming the mailbox being delivered to).
import { addressKey } from '@mail/auth';
import { unfold, type HeaderField } from '@mail/mime';

/** What the trace fields of a message say. */
export interface TraceFacts {
  /** Number of Received: fields. */
  received: number;
  /** Address keys of the Delivered-To: fields, in order. */
  deliveredTo: string[];
}

/** The address in a Delivered-To value: angle brackets, comments and blanks removed. */
export function deliveredToAddress(value: string): string {
  const text = Buffer.from(unfold(value), 'latin1').toString('utf8').trim();
  const angle = /<([^<>]*)>/.exec(text);
  return (angle ? angle[1]! : text.replace(/\([^()]*\)/g, '')).trim();
}

/** Counts Received: fields and collects Delivered-To: addresses of a header. */
export function traceFacts(fields: readonly HeaderField[]): TraceFacts {
  const facts: TraceFacts = { received: 0, deliveredTo: [] };
  for (const f of fields) {
    const name = f.name.toLowerCase();
    if (name === 'received') facts.received += 1;
    else if (name === 'delivered-to') {
      const address = deliveredToAddress(f.value);
      if (address !== '') facts.deliveredTo.push(addressKey(address));
    }
  }
  return facts;
}

/** Why delivering to `mailbox` would be a loop (RFC 5321 §6.3), or undefined: more hops than `maxHops`, or delivered there before. */
export function loopReason(facts: TraceFacts, mailbox: string, maxHops: number): string | undefined {
  const hops = facts.received + facts.deliveredTo.length;
  if (hops > maxHops) return `554 5.4.6 too many hops (${hops} Received/Delivered-To fields, at most ${maxHops})`;
  if (facts.deliveredTo.includes(addressKey(mailbox))) return `554 5.4.6 <${mailbox}>: mail forwarding loop (the message was delivered to this mailbox before)`;
  return undefined;
}

/** The line ending a message uses, from its first line: CRLF (as SMTP carries it) unless it uses bare LF. */
export function lineEnding(head: Uint8Array): '\r\n' | '\n' {
  const lf = head.indexOf(0x0a);
  return lf > 0 && head[lf - 1] !== 0x0d ? '\n' : '\r\n';
}

export interface TraceInput {
  /** The envelope sender; '' is the null sender. */
  sender: string;
  /** The mailbox delivered to. */
  recipient: string;
  /** More fields to prepend after the trace fields, e.g. ["X-Spam-Flag", "YES"]. */
  extra?: ReadonlyArray<readonly [string, string]>;
}

/** Return-Path and Delivered-To (as Postfix local(8) and Dovecot's LDA write them) and any extra fields, as bytes. */
export function traceFields(input: TraceInput, eol: '\r\n' | '\n' = '\r\n'): Buffer {
  const clean = (s: string): string => s.replace(/[\r\n]/g, '');
  let text = `Return-Path: <${clean(input.sender)}>${eol}Delivered-To: ${clean(input.recipient)}${eol}`;
  for (const [name, value] of input.extra ?? []) text += `${clean(name)}: ${clean(value)}${eol}`;
  return Buffer.from(text, 'utf8');
}
