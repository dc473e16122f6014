// IMAP BODY / BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051 §7.5.2) and ENVELOPE rendered from a parsed structure.
import type { Address } from './address.js';
import type { HeaderField } from './header.js';
import { forHumans, noLineBreaks, type ImapValue } from './imap-value.js';
import { envelopeData } from './part-data.js';
import type { MimeParam } from './rfc2231.js';
import type { EnvelopeData, MessageStructure, MimePart } from './types.js';

export interface BodyStructureOptions {
  /** true for BODYSTRUCTURE (extension data included), false for BODY. */
  extended: boolean;
}

const DEFAULT_CHARSET: MimeParam = ['charset', 'us-ascii'];

function paramList(params: readonly MimeParam[], defaultCharset: boolean): ImapValue {
  const list: ImapValue[] = [];
  let seenCharset = false;
  for (const [name, value] of params) {
    if (name.toLowerCase() === 'charset') seenCharset = true;
    list.push(name, value);
  }
  if (defaultCharset && !seenCharset) list.push(...DEFAULT_CHARSET);
  return list.length > 0 ? list : null;
}

function dispositionLanguageLocation(part: MimePart): ImapValue[] {
  return [
    part.disposition === null ? null : [part.disposition, paramList(part.dispositionParams, false)],
    part.language === null ? null : [...part.language],
    noLineBreaks(part.location),
  ];
}

function emptyBody(extended: boolean): ImapValue[] {
  const body: ImapValue[] = ['text', 'plain', [...DEFAULT_CHARSET], null, null, '7bit', 0, 0];
  return extended ? [...body, null, null, null, null] : body;
}

function isRfc822(part: MimePart): boolean {
  return part.type?.toLowerCase() === 'message' && part.subtype?.toLowerCase() === 'rfc822';
}

function render(part: MimePart, extended: boolean): ImapValue[] {
  if (part.kind === 'multipart') {
    const children = part.parts.length > 0 ? part.parts.map((p) => render(p, extended)) : [emptyBody(extended)];
    const out: ImapValue[] = [...children, part.subtype ?? 'x-unknown'];
    if (extended) out.push(paramList(part.params, false), ...dispositionLanguageLocation(part));
    return out;
  }
  let text: boolean;
  const out: ImapValue[] = [];
  if (part.kind === 'message') {
    out.push('message', 'rfc822');
    text = false;
  } else if (part.type === null) {
    out.push('text', 'plain');
    text = true;
  } else if (part.type.toLowerCase() === 'multipart' || isRfc822(part)) {
    // a multipart or message/rfc822 not parsed as one (nested too deep, too many parts) is opaque data
    out.push('application', 'octet-stream');
    text = false;
  } else {
    text = part.type.toLowerCase() === 'text';
    out.push(part.type, part.subtype ?? (text ? 'plain' : 'unknown'));
  }
  out.push(
    paramList(part.params, text),
    noLineBreaks(part.id),
    noLineBreaks(part.description),
    part.encoding ?? '7bit',
    part.body.virtualSize,
  );
  if (text) out.push(part.body.lines);
  else if (part.kind === 'message') {
    const child = part.parts[0];
    out.push(
      envelopeValue(part.envelope ?? null),
      child ? render(child, extended) : emptyBody(extended),
      part.body.lines,
    );
  }
  if (extended) out.push(noLineBreaks(part.md5), ...dispositionLanguageLocation(part));
  return out;
}

/**
 * The BODYSTRUCTURE (extended) or BODY (not extended) value of a message or of one part: a list that an IMAP
 * composer serialises as it is (toImapString). Sizes are in CRLF form, as IMAP requires.
 */
export function bodyStructure(structure: MessageStructure | MimePart, options: BodyStructureOptions): ImapValue[] {
  const part = 'root' in structure ? structure.root : structure;
  return render(part, options.extended);
}

function addressList(list: readonly Address[] | null): ImapValue {
  if (list === null || list.length === 0) return null;
  return list.map((a) => [a.name === null ? null : forHumans(a.name), noLineBreaks(a.route), noLineBreaks(a.mailbox), noLineBreaks(a.domain)]);
}

function envelopeValue(env: EnvelopeData | null): ImapValue[] {
  if (env === null) return [null, null, null, null, null, null, null, null, null, null];
  return [
    noLineBreaks(env.date),
    env.subject === null ? null : forHumans(env.subject),
    addressList(env.from),
    addressList(env.sender ?? env.from),
    addressList(env.replyTo ?? env.from),
    addressList(env.to),
    addressList(env.cc),
    addressList(env.bcc),
    noLineBreaks(env.inReplyTo),
    noLineBreaks(env.messageId),
  ];
}

/**
 * The ENVELOPE value (RFC 3501 §7.4.2) from header fields, envelope data, or a parsed structure. Header values are
 * kept raw (encoded words stay encoded); Sender and Reply-To default to From.
 */
export function envelope(source: readonly HeaderField[] | EnvelopeData | MessageStructure): ImapValue[] {
  if (Array.isArray(source)) return envelopeValue(envelopeData(source as readonly HeaderField[]));
  if ('root' in source) return envelopeValue(source.envelope);
  return envelopeValue(source as EnvelopeData);
}
