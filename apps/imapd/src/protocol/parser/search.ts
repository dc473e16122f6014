// SEARCH (RFC 9051 §6.4.4): every search key incl. OR/NOT/groups, CHARSET, RFC 4731 ESEARCH RETURN options,
// RFC 5182 SAVE, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER.
import { parseDateText } from '../datetime.js';
import { ImapParseError } from '../errors.js';
import { isSequenceSetChar } from '../sequence.js';
import { readKeyword } from './flags.js';
import { decodeUtf8 } from './reader.js';
import type { Reader } from './reader.js';
import type { Command, ImapDate, SearchKey, SearchReturn } from './types.js';

/** Charsets named in [BADCHARSET] when the client asks for one this server cannot decode. */
export const SEARCH_CHARSETS = ['UTF-8', 'US-ASCII'] as const;

type Decode = (bytes: Uint8Array) => string;

const FLAG_KEYS = new Set([
  'ALL',
  'ANSWERED',
  'DELETED',
  'DRAFT',
  'FLAGGED',
  'NEW',
  'OLD',
  'RECENT',
  'SEEN',
  'UNANSWERED',
  'UNDELETED',
  'UNDRAFT',
  'UNFLAGGED',
  'UNSEEN',
]);
const STRING_KEYS = new Set(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE_KEYS = new Set(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);
const OTHER_KEYS = new Set(['KEYWORD', 'UNKEYWORD', 'HEADER', 'LARGER', 'SMALLER', 'OLDER', 'YOUNGER', 'UID', 'NOT', 'OR', 'MODSEQ']);

/** SEARCH [SP RETURN SP "(" [return-opt *(SP return-opt)] ")"] SP [CHARSET SP astring SP] search-key *(SP search-key). */
export function parseSearch(r: Reader, tag: string, uid: boolean): Command {
  r.sp();
  let returns: SearchReturn | null = null;
  if (r.tryKeyword('RETURN')) {
    r.sp();
    returns = readReturn(r);
    r.sp();
  }
  let charset: string | null = null;
  let decode: Decode = (bytes) => decodeUtf8(bytes, 'search string');
  if (r.tryKeyword('CHARSET')) {
    r.sp();
    charset = r.astring('charset').toUpperCase();
    decode = charsetDecoder(r, charset);
    r.sp();
  }
  const criteria: SearchKey[] = [readKey(r, decode)];
  while (r.trySp()) criteria.push(readKey(r, decode));
  return { tag, name: 'SEARCH', uid, charset, criteria, returns };
}

function readReturn(r: Reader): SearchReturn {
  const returns: SearchReturn = { min: false, max: false, all: false, count: false, save: false };
  const options = r.list(() => r.keyword('return option'), true, 'return options');
  for (const option of options) {
    if (option === 'MIN') returns.min = true;
    else if (option === 'MAX') returns.max = true;
    else if (option === 'ALL') returns.all = true;
    else if (option === 'COUNT') returns.count = true;
    else if (option === 'SAVE') returns.save = true;
    else r.fail('Unknown SEARCH return option');
  }
  if (options.length === 0) returns.all = true;
  return returns;
}

/** A strict decoder for the CHARSET argument; unknown charsets fail with NO [BADCHARSET] (RFC 9051 §6.4.4). */
function charsetDecoder(r: Reader, charset: string): Decode {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    return r.fail('Unsupported charset', { status: 'NO', code: { code: 'BADCHARSET', charsets: SEARCH_CHARSETS } });
  }
  return (bytes) => {
    try {
      return decoder.decode(bytes);
    } catch {
      throw new ImapParseError(`Search string is not valid ${charset}`, { tag: r.tag, command: r.command });
    }
  };
}

function readKey(r: Reader, decode: Decode): SearchKey {
  return r.nested(() => {
    const first = r.peek();
    if (first === 0x28) return { key: 'AND', operands: r.list(() => readKey(r, decode), false, 'search group') };
    if (first >= 0 && isSequenceSetChar(first) && first !== 0x2c && first !== 0x3a) return { key: 'SEQ', set: r.sequenceSet() };
    const key = r.keyword('search key');
    if (FLAG_KEYS.has(key)) return { key } as SearchKey;
    if (!STRING_KEYS.has(key) && !DATE_KEYS.has(key) && !OTHER_KEYS.has(key)) r.fail('Unknown search key');
    r.sp();
    if (STRING_KEYS.has(key)) return { key, value: decode(r.astringBytes('search string')) } as SearchKey;
    if (DATE_KEYS.has(key)) return { key, date: readDate(r) } as SearchKey;
    switch (key) {
      case 'KEYWORD':
      case 'UNKEYWORD':
        return { key, flag: readKeyword(r) };
      case 'HEADER': {
        const field = r.astring('header field name');
        if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) r.fail('Invalid header field name');
        r.sp();
        return { key, field, value: decode(r.astringBytes('search string')) };
      }
      case 'LARGER':
      case 'SMALLER':
        return { key, size: r.number64('size') };
      case 'OLDER':
      case 'YOUNGER':
        return { key, seconds: r.nzNumber('interval') };
      case 'UID':
        return { key, set: r.sequenceSet() };
      case 'NOT':
        return { key, operand: readKey(r, decode) };
      case 'OR': {
        const left = readKey(r, decode);
        r.sp();
        return { key, left, right: readKey(r, decode) };
      }
      case 'MODSEQ':
        return readModseq(r);
      default:
        return r.fail('Unknown search key');
    }
  });
}

/** date = date-text / DQUOTE date-text DQUOTE. */
function readDate(r: Reader): ImapDate {
  const text = r.peek() === 0x22 ? r.stringBytes('date').toString('latin1') : r.atom('date');
  const date = parseDateText(text);
  if (date === null) r.fail('Invalid date');
  return date;
}

/** MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer (after "MODSEQ SP"). */
function readModseq(r: Reader): SearchKey {
  let entry: { name: string; type: 'priv' | 'shared' | 'all' } | null = null;
  if (r.peek() === 0x22) {
    const name = r.string('entry name');
    if (!/^\/flags\/\\?[\x21-\x7e]+$/i.test(name)) r.fail('Invalid MODSEQ entry name');
    r.sp();
    const type = r.atom('entry type').toLowerCase();
    if (type !== 'priv' && type !== 'shared' && type !== 'all') r.fail('Invalid MODSEQ entry type');
    entry = { name, type };
    r.sp();
  }
  return { key: 'MODSEQ', modseq: r.number64('mod-sequence'), entry };
}
