// Untagged data responses (RFC 9051 §7.2-7.4, RFC 5258, RFC 4731, RFC 5161, RFC 2971, RFC 2342, RFC 9208, RFC 7162).
import { compressSequence } from '../sequence.js';
import type { NamespaceDescriptor, UntaggedData } from '../response-types.js';
import { writeFetch } from './fetch.js';
import { ComposeError } from './writer.js';
import type { WireWriter } from './writer.js';

function delimiter(w: WireWriter, d: string | null): void {
  if (d === null) w.raw('NIL');
  else if (d.length !== 1 || d.charCodeAt(0) > 0x7f || d === '\r' || d === '\n' || d === '\0') throw new ComposeError('bad hierarchy delimiter');
  else w.string(d);
}

function namespaces(w: WireWriter, list: readonly NamespaceDescriptor[] | null): void {
  if (!list || list.length === 0) {
    w.raw('NIL');
    return;
  }
  w.list(list, (ns) => {
    w.raw('(').string(ns.prefix).sp();
    delimiter(w, ns.delimiter);
    w.raw(')');
  });
}

function listResponse(w: WireWriter, data: Extract<UntaggedData, { type: 'LIST' | 'LSUB' }>): void {
  w.raw(`* ${data.type} `).list(data.attributes, (a) => w.flag(a)).sp();
  delimiter(w, data.delimiter);
  w.sp().mailbox(data.mailbox);
  const extended: (() => void)[] = [];
  if (data.childInfo && data.childInfo.length > 0) {
    const items = data.childInfo;
    extended.push(() => w.raw('"CHILDINFO" ').list(items, (i) => w.string(i)));
  }
  if (data.oldName !== undefined) {
    const oldName = data.oldName;
    extended.push(() => w.raw('"OLDNAME" (').mailbox(oldName).raw(')'));
  }
  if (extended.length > 0) w.sp().list(extended, (write) => write());
}

function esearch(w: WireWriter, data: Extract<UntaggedData, { type: 'ESEARCH' }>): void {
  w.raw('* ESEARCH');
  if (data.tag !== undefined) w.raw(' (TAG ').string(data.tag).raw(')');
  if (data.uid) w.raw(' UID');
  if (data.min !== undefined) w.raw(' MIN ').number(data.min);
  if (data.max !== undefined) w.raw(' MAX ').number(data.max);
  if (data.count !== undefined) w.raw(' COUNT ').number(data.count);
  if (data.all && data.all.length > 0) w.raw(' ALL ').raw(compressSequence(data.all));
  if (data.modseq !== undefined) w.raw(' MODSEQ ').number(data.modseq);
}

/** Writes one untagged data response without the final CRLF. */
export function writeData(w: WireWriter, data: UntaggedData): void {
  switch (data.type) {
    case 'EXISTS':
    case 'RECENT':
      w.raw('* ').number(data.count).raw(` ${data.type}`);
      return;
    case 'EXPUNGE':
      w.raw('* ').number(data.seq).raw(' EXPUNGE');
      return;
    case 'FETCH':
      writeFetch(w, data.seq, data.items);
      return;
    case 'LIST':
    case 'LSUB':
      listResponse(w, data);
      return;
    case 'STATUS':
      w.raw('* STATUS ').mailbox(data.mailbox).sp().list(data.items, ({ item, value }) => w.raw(`${item} `).number(value));
      return;
    case 'SEARCH':
      w.raw('* SEARCH');
      for (const id of data.ids) w.sp().number(id);
      if (data.modseq !== undefined) w.raw(' (MODSEQ ').number(data.modseq).raw(')');
      return;
    case 'ESEARCH':
      esearch(w, data);
      return;
    case 'FLAGS':
      w.raw('* FLAGS ').list(data.flags, (f) => w.flag(f));
      return;
    case 'ENABLED':
    case 'CAPABILITY':
      w.raw(`* ${data.type}`);
      for (const capability of data.capabilities) w.sp().atom(capability);
      return;
    case 'ID':
      w.raw('* ID ');
      if (data.params === null) w.raw('NIL');
      else w.list(data.params, ([field, value]) => w.string(field).sp().nstring(value));
      return;
    case 'NAMESPACE':
      w.raw('* NAMESPACE ');
      namespaces(w, data.personal);
      w.sp();
      namespaces(w, data.other);
      w.sp();
      namespaces(w, data.shared);
      return;
    case 'QUOTA':
      w.raw('* QUOTA ').astring(data.root).sp();
      w.list(data.resources, (r) => w.atom(r.name).sp().number(r.usage).sp().number(r.limit));
      return;
    case 'QUOTAROOT':
      w.raw('* QUOTAROOT ').mailbox(data.mailbox);
      for (const root of data.roots) w.sp().astring(root);
      return;
    case 'VANISHED':
      if (data.uids.length === 0) throw new ComposeError('VANISHED needs at least one UID');
      w.raw(data.earlier ? '* VANISHED (EARLIER) ' : '* VANISHED ').raw(compressSequence(data.uids));
      return;
  }
}
