// ENVELOPE and BODY/BODYSTRUCTURE (RFC 9051 §7.5.2, §9 body, envelope) written from their typed form.
import type { Address, BodyParams, BodyStructure, Envelope, MultipartBody, NString } from '../response-types.js';
import { ComposeError } from './writer.js';
import type { WireWriter } from './writer.js';

/** "(" 1*address ")" / NIL: addresses follow each other without a space. */
function addresses(w: WireWriter, list: readonly Address[] | null): void {
  if (!list || list.length === 0) {
    w.raw('NIL');
    return;
  }
  w.raw('(');
  for (const a of list) w.raw('(').nstring(a.name).sp().nstring(a.adl).sp().nstring(a.mailbox).sp().nstring(a.host).raw(')');
  w.raw(')');
}

/** envelope = "(" date SP subject SP from SP sender SP reply-to SP to SP cc SP bcc SP in-reply-to SP message-id ")". */
export function writeEnvelope(w: WireWriter, e: Envelope): void {
  w.raw('(').nstring(e.date).sp().nstring(e.subject).sp();
  for (const list of [e.from, e.sender, e.replyTo, e.to, e.cc, e.bcc]) {
    addresses(w, list);
    w.sp();
  }
  w.nstring(e.inReplyTo).sp().nstring(e.messageId).raw(')');
}

function params(w: WireWriter, list: BodyParams | undefined): void {
  if (!list || list.length === 0) {
    w.raw('NIL');
    return;
  }
  w.list(list, ([name, value]) => {
    w.string(name).sp().string(value);
  });
}

function disposition(w: WireWriter, d: { type: string; params: BodyParams } | null | undefined): void {
  if (!d) {
    w.raw('NIL');
    return;
  }
  w.raw('(').string(d.type).sp();
  params(w, d.params);
  w.raw(')');
}

function language(w: WireWriter, list: readonly string[] | null | undefined): void {
  if (!list || list.length === 0) w.raw('NIL');
  else if (list.length === 1) w.string(list[0] as string);
  else w.list(list, (l) => w.string(l));
}

/** dsp, lang and loc, the tail of body-ext-1part and body-ext-mpart. */
function extensionTail(w: WireWriter, b: { disposition?: MultipartBody['disposition']; language?: readonly string[] | null; location?: NString }): void {
  w.sp();
  disposition(w, b.disposition);
  w.sp();
  language(w, b.language);
  w.sp().nstring(b.location ?? null);
}

/** body; `extensible` adds the extension data of BODYSTRUCTURE (BODY has none). */
export function writeBody(w: WireWriter, body: BodyStructure, extensible: boolean): void {
  if (body.kind === 'multipart') {
    if (body.parts.length === 0) throw new ComposeError('multipart body without parts');
    w.raw('(');
    for (const part of body.parts) writeBody(w, part, extensible);
    w.sp().string(body.subtype.toUpperCase());
    if (extensible) {
      w.sp();
      params(w, body.params);
      extensionTail(w, body);
    }
    w.raw(')');
    return;
  }
  w.raw('(').string(body.type.toUpperCase()).sp().string(body.subtype.toUpperCase()).sp();
  params(w, body.params);
  w.sp().nstring(body.id).sp().nstring(body.description).sp().string(body.encoding.toUpperCase()).sp().number(body.size);
  if (body.message) {
    w.sp();
    writeEnvelope(w, body.message.envelope);
    w.sp();
    writeBody(w, body.message.body, extensible);
    w.sp().number(body.lines ?? 0);
  } else if (body.type.toUpperCase() === 'TEXT') {
    w.sp().number(body.lines ?? 0);
  }
  if (extensible) {
    w.sp().nstring(body.md5 ?? null);
    extensionTail(w, body);
  }
  w.raw(')');
}
