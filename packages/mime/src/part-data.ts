// Content-* fields of a part (RFC 2045, RFC 2183, RFC 3066, RFC 2557) and envelope fields, read as IMAP servers read them.
import { parseAddresses } from './address.js';
import type { HeaderField } from './header.js';
import { parseParams } from './rfc2231.js';
import { Rfc822Cursor } from './rfc822.js';
import type { EnvelopeData, MimePart } from './types.js';

/** The MIME data of a part, before the parser's decisions (kind, sizes) are added. */
export type PartData = Pick<
  MimePart,
  | 'type'
  | 'subtype'
  | 'params'
  | 'encoding'
  | 'id'
  | 'description'
  | 'md5'
  | 'disposition'
  | 'dispositionParams'
  | 'language'
  | 'location'
>;

export function emptyPartData(): PartData {
  return {
    type: null,
    subtype: null,
    params: [],
    encoding: null,
    id: null,
    description: null,
    md5: null,
    disposition: null,
    dispositionParams: [],
    language: null,
    location: null,
  };
}

/** Parses a Content-Type value into type, subtype and parameters; `valid` is false when the type itself is broken. */
export function parseContentType(value: string): {
  type: string;
  subtype: string;
  params: PartData['params'];
  valid: boolean;
  /** The type/subtype text read before any error, for classifying the part. */
  text: string;
} {
  const c = new Rfc822Cursor(value);
  c.skipLwsp();
  const out: string[] = [];
  const ret = c.contentType(out);
  const full = out.join('');
  const slash = full.indexOf('/');
  const type = slash < 0 ? full : full.slice(0, slash);
  // a broken value keeps what could be read, with an empty subtype when there was no "/"
  const subtype = slash < 0 ? '' : full.slice(slash + 1);
  if (ret < 0) return { type, subtype, params: [], valid: false, text: full };
  return { type, subtype, params: parseParams(c).params, valid: true, text: full };
}

/** The token of a Content-Transfer-Encoding value, or null when it is not a single token. */
export function parseEncoding(value: string): string | null {
  const c = new Rfc822Cursor(value);
  c.skipLwsp();
  const out: string[] = [];
  if (c.mimeToken(out) < 0 || c.skipLwsp() !== 0) return null;
  const token = out.join('');
  return token === '' ? null : token;
}

function parseLanguage(value: string): string[] | null {
  const c = new Rfc822Cursor(value);
  const langs: string[] = [];
  c.skipLwsp();
  for (;;) {
    const out: string[] = [];
    if (c.atom(out) < 0) break;
    langs.push(out.join(''));
    if (c.end || c.peek() !== 0x2c) break;
    c.pos++;
    c.skipLwsp();
  }
  return langs.length > 0 ? langs : null;
}

/** Applies one Content-* field to `data` (the first occurrence of each field counts). */
export function applyContentField(data: PartData, field: HeaderField): void {
  const name = field.name.toLowerCase();
  if (!name.startsWith('content-')) return;
  const value = field.value;
  switch (name.slice(8)) {
    case 'id':
      data.id ??= value;
      break;
    case 'md5':
      data.md5 ??= value;
      break;
    case 'type':
      if (data.type === null) {
        const ct = parseContentType(value);
        data.type = ct.type;
        data.subtype = ct.subtype;
        data.params = ct.params;
      }
      break;
    case 'transfer-encoding':
      if (data.encoding === null) data.encoding = parseEncoding(value);
      break;
    case 'language':
      if (data.language === null) data.language = parseLanguage(value);
      break;
    case 'location':
      data.location ??= value;
      break;
    case 'description':
      data.description ??= value;
      break;
    case 'disposition':
      // a later field replaces one that had no parameters, as Dovecot does
      if (data.dispositionParams.length === 0) {
        const c = new Rfc822Cursor(value);
        c.skipLwsp();
        const out: string[] = [];
        if (c.mimeToken(out) < 0) break;
        data.disposition = out.join('');
        data.dispositionParams = parseParams(c).params;
      }
      break;
  }
}

export function emptyEnvelope(): EnvelopeData {
  return {
    date: null,
    subject: null,
    from: null,
    sender: null,
    replyTo: null,
    to: null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
}

const ADDRESS_FIELDS: Record<string, 'from' | 'sender' | 'replyTo' | 'to' | 'cc' | 'bcc'> = {
  from: 'from',
  sender: 'sender',
  'reply-to': 'replyTo',
  to: 'to',
  cc: 'cc',
  bcc: 'bcc',
};
const STRING_FIELDS: Record<string, 'date' | 'subject' | 'inReplyTo' | 'messageId'> = {
  date: 'date',
  subject: 'subject',
  'in-reply-to': 'inReplyTo',
  'message-id': 'messageId',
};

/**
 * Applies one header field to envelope data: address fields that occur more than once are concatenated;
 * for the other fields a later occurrence replaces an earlier one.
 */
export function applyEnvelopeField(env: EnvelopeData, field: HeaderField): void {
  const name = field.name.toLowerCase();
  const addr = ADDRESS_FIELDS[name];
  if (addr) {
    const list = parseAddresses(field.value);
    if (list.length > 0) env[addr] = [...(env[addr] ?? []), ...list];
    return;
  }
  const str = STRING_FIELDS[name];
  if (str) env[str] = field.value;
}

/** Builds envelope data from a header block's fields. */
export function envelopeData(fields: readonly HeaderField[]): EnvelopeData {
  const env = emptyEnvelope();
  for (const f of fields) applyEnvelopeField(env, f);
  return env;
}
