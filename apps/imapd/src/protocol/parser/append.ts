// APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502), literal8 (RFC 3516) and UTF8 (...) (RFC 6855 §4).
import { parseDateTime } from '../datetime.js';
import { readFlagList } from './flags.js';
import type { Reader } from './reader.js';
import type { AppendMessage, Command, LiteralContent } from './types.js';

/**
 * APPEND SP mailbox 1*(SP [flag-list SP] [date-time SP] (literal / literal8 / "UTF8" SP "(" literal8 ")")).
 * A streamed literal comes back as { kind: 'stream', index }: the session matches it with the octets it stored.
 * NUL in a streamed non-binary literal is the session's to check (the framer's literal-end reports it).
 */
export function parseAppend(r: Reader, tag: string): Command {
  r.sp();
  const mailbox = r.mailbox();
  const messages: AppendMessage[] = [];
  do {
    r.sp();
    messages.push(readMessage(r));
  } while (!r.atEnd());
  return { tag, name: 'APPEND', mailbox, messages };
}

function readMessage(r: Reader): AppendMessage {
  let flags: string[] = [];
  let date: Date | null = null;
  if (r.peek() === 0x28) {
    flags = readFlagList(r);
    r.sp();
  }
  if (r.peek() === 0x22) {
    const text = r.stringBytes('date-time').toString('latin1');
    date = parseDateTime(text);
    if (date === null) r.fail('Invalid date-time');
    r.sp();
  }
  let utf8 = false;
  if (r.tryKeyword('UTF8')) {
    utf8 = true;
    r.sp();
    r.expect(0x28, '"(" after UTF8');
  }
  if (!r.atLiteral()) r.fail('Expected the message as a literal');
  const literal = r.literal();
  if (utf8) {
    if (!literal.binary) r.fail('UTF8 needs a literal8');
    r.expect(0x29, '")" after the UTF8 literal');
  }
  if (!literal.binary && literal.data?.includes(0)) r.fail('NUL in a message sent as a literal; use literal8');
  const content: LiteralContent =
    literal.data === null ? { kind: 'stream', index: literal.index, size: literal.size } : { kind: 'buffer', data: literal.data };
  return { flags: [...new Set(flags)], date, content, binary: literal.binary, utf8 };
}
