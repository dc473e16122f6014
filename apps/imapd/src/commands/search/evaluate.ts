// SEARCH criteria evaluated against one message (RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER):
// flags and sizes from the session's view, header and body text decoded (encoded words, transfer encodings,
// charsets) and matched case-insensitively as substrings.
import type { MailFolder } from '@mail/maildir';
import { decodeBody, decodeCharset, decodeUnlabelled, decodeWords, getFields, parseDate, type HeaderField, type MimePart } from '@mail/mime';
import type { ImapDate, SearchKey } from '../../protocol/index.js';
import { sequenceSetContains } from '../../protocol/index.js';
import type { MessageView } from '../../selected.js';
import { headerFields, messageHeader, messageStructure, type CachedMessage } from '../fetch/cache.js';

export interface MessageContext {
  uid: number;
  seq: number;
  view: MessageView;
  recent: boolean;
  /** Highest UID and message count, for "*". */
  maxUid: number;
  count: number;
  saved: readonly number[];
  now: number;
  /** The message's header fields (read once, and only for the keys that need them). */
  header(): Promise<HeaderField[]>;
  /** Decoded text of the text parts (read once, for BODY and TEXT). */
  body(): Promise<string>;
}

/** Header value as text: encoded words decoded, raw 8-bit octets read as UTF-8 where they are valid. */
export function headerText(value: string): string {
  const text = /[\x80-\xff]/.test(value) ? decodeUnlabelled(Buffer.from(value, 'latin1')) : value;
  return decodeWords(text).replace(/\r?\n/g, '');
}

function collectText(part: MimePart, data: Buffer, out: string[]): void {
  if (part.parts.length > 0) {
    for (const p of part.parts) collectText(p, data, out);
    return;
  }
  if (part.kind !== 'text') return;
  try {
    const decoded = decodeBody(data.subarray(part.bodyStart, part.bodyEnd), part.encoding);
    const charset = part.params.find(([n]) => n.toLowerCase() === 'charset')?.[1];
    out.push(charset ? decodeCharset(decoded, charset) : decodeUnlabelled(decoded));
  } catch {
    out.push(data.subarray(part.bodyStart, part.bodyEnd).toString('latin1'));
  }
}

/** The header fields of a message, for the header keys. */
export async function loadHeader(folder: MailFolder, uidValidity: number, uid: number): Promise<HeaderField[]> {
  return headerFields(await messageHeader(folder, uidValidity, uid));
}

/** Reads a message for the body text keys. */
export async function loadBody(folder: MailFolder, uidValidity: number, uid: number): Promise<string> {
  const m: CachedMessage = await messageStructure(folder, uidValidity, uid);
  const { stream } = await folder.read(uid);
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  const data = Buffer.concat(chunks);
  const texts: string[] = [];
  collectText(m.structure.root, data, texts);
  return texts.join('\n');
}

const contains = (haystack: string, needle: string): boolean => haystack.toLowerCase().includes(needle.toLowerCase());

const dayNumber = (d: ImapDate): number => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
const dayOf = (ms: number): number => Math.floor(ms / 86_400_000);

function compareDay(day: number, key: 'BEFORE' | 'ON' | 'SINCE', date: ImapDate): boolean {
  const target = dayNumber(date);
  return key === 'BEFORE' ? day < target : key === 'ON' ? day === target : day >= target;
}

function headerMatch(header: HeaderField[], name: string, value: string): boolean {
  const fields = getFields(header, name);
  if (value === '') return fields.length > 0;
  return fields.some((f) => contains(headerText(f.value), value));
}

export async function matches(key: SearchKey, m: MessageContext): Promise<boolean> {
  const flags = m.view.flags;
  switch (key.key) {
    case 'ALL':
      return true;
    case 'ANSWERED':
    case 'DELETED':
    case 'DRAFT':
    case 'FLAGGED':
    case 'SEEN':
      return flags.includes(`\\${key.key[0]}${key.key.slice(1).toLowerCase()}`);
    case 'UNANSWERED':
    case 'UNDELETED':
    case 'UNDRAFT':
    case 'UNFLAGGED':
    case 'UNSEEN':
      return !flags.includes(`\\${key.key[2]}${key.key.slice(3).toLowerCase()}`);
    case 'RECENT':
      return m.recent;
    case 'NEW':
      return m.recent && !flags.includes('\\Seen');
    case 'OLD':
      return !m.recent;
    case 'KEYWORD':
      return flags.some((f) => f.toLowerCase() === key.flag.toLowerCase());
    case 'UNKEYWORD':
      return !flags.some((f) => f.toLowerCase() === key.flag.toLowerCase());
    case 'LARGER':
      return m.view.size > key.size;
    case 'SMALLER':
      return m.view.size < key.size;
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
      return compareDay(dayOf(m.view.internalDate), key.key, key.date);
    case 'OLDER':
      return m.now - m.view.internalDate >= key.seconds * 1000;
    case 'YOUNGER':
      return m.now - m.view.internalDate <= key.seconds * 1000;
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE': {
      const field = getFields(await m.header(), 'Date')[0];
      const parsed = field ? parseDate(field.value) : null;
      const when = parsed ? parsed.time + parsed.offsetMinutes * 60_000 : m.view.internalDate;
      return compareDay(dayOf(when), key.key === 'SENTBEFORE' ? 'BEFORE' : key.key === 'SENTON' ? 'ON' : 'SINCE', key.date);
    }
    case 'UID':
      return sequenceSetContains(key.set, m.uid, m.maxUid, m.saved);
    case 'SEQ':
      return sequenceSetContains(key.set, m.seq, m.count);
    case 'MODSEQ':
      return m.view.modseq >= key.modseq;
    case 'NOT':
      return !(await matches(key.operand, m));
    case 'OR':
      return (await matches(key.left, m)) || (await matches(key.right, m));
    case 'AND':
      for (const k of key.operands) if (!(await matches(k, m))) return false;
      return true;
    case 'HEADER':
      return headerMatch(await m.header(), key.field, key.value);
    case 'BCC':
    case 'CC':
    case 'FROM':
    case 'TO':
    case 'SUBJECT':
      return headerMatch(await m.header(), key.key, key.value);
    case 'BODY':
      return contains(await m.body(), key.value);
    case 'TEXT':
      return contains(await m.body(), key.value) || (await m.header()).some((f) => contains(`${f.name}: ${headerText(f.value)}`, key.value));
  }
}
