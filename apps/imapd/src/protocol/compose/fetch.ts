// FETCH response items (RFC 9051 §7.5.2, RFC 3516 BINARY, RFC 7162 MODSEQ): typed items → "* n FETCH (...)".
import { formatDateTime } from '../datetime.js';
import { formatSection } from '../parser/fetch.js';
import type { FetchContent, FetchResponseItem, StreamedLiteral } from '../response-types.js';
import { writeBody, writeEnvelope } from './body.js';
import type { WireWriter } from './writer.js';

function hasNul(content: FetchContent): boolean {
  if (content === null || typeof content === 'string') return typeof content === 'string' && content.includes('\0');
  if ('stream' in content) return false;
  return (content as Uint8Array).includes(0);
}

function origin(w: WireWriter, offset: number | undefined): void {
  if (offset !== undefined) w.raw('<').number(offset).raw('>');
}

function writeItem(w: WireWriter, item: FetchResponseItem): void {
  if ('wire' in item) {
    w.raw(`${item.item} `).wire(item.wire);
    return;
  }
  switch (item.item) {
    case 'FLAGS':
      w.raw('FLAGS ').list(item.flags, (f) => w.flag(f));
      return;
    case 'UID':
      w.raw('UID ').number(item.uid);
      return;
    case 'MODSEQ':
      w.raw('MODSEQ (').number(item.modseq).raw(')');
      return;
    case 'INTERNALDATE':
      w.raw('INTERNALDATE ').string(formatDateTime(item.date, item.offsetMinutes ?? 0));
      return;
    case 'RFC822.SIZE':
      w.raw('RFC822.SIZE ').number(item.size);
      return;
    case 'ENVELOPE':
      w.raw('ENVELOPE ');
      writeEnvelope(w, item.envelope);
      return;
    case 'BODY':
    case 'BODYSTRUCTURE':
      w.raw(`${item.item} `);
      writeBody(w, item.structure, item.item === 'BODYSTRUCTURE');
      return;
    case 'BODY[]':
      w.raw('BODY[');
      writeSectionText(w, formatSection(item.section));
      w.raw(']');
      origin(w, item.origin);
      w.sp().content(item.content);
      return;
    case 'BINARY[]':
      w.raw(`BINARY[${item.part.join('.')}]`);
      origin(w, item.origin);
      w.sp().content(item.content, item.binary === true || hasNul(item.content));
      return;
    case 'BINARY.SIZE':
      w.raw(`BINARY.SIZE[${item.part.join('.')}] `).number(item.size);
      return;
    case 'RFC822':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT':
      w.raw(`${item.item} `).content(item.content);
      return;
  }
}

/** Section text comes from formatSection, whose field names were validated as printable ASCII by the parser. */
function writeSectionText(w: WireWriter, text: string): void {
  w.raw(text.replace(/[\r\n\0]/g, ''));
}

/** "* seq FETCH (item SP item ...)". */
export function writeFetch(w: WireWriter, seq: number, items: readonly FetchResponseItem[]): void {
  w.raw('* ').number(seq).raw(' FETCH ').list(items, (item) => writeItem(w, item));
}

export type { StreamedLiteral };
