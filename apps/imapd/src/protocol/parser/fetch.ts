// FETCH (RFC 9051 §6.4.5): macros, data items, BODY[section]<partial>, BINARY (RFC 3516), CHANGEDSINCE and
// VANISHED modifiers (RFC 7162); also the section text used to name items in FETCH responses.
import { isAstringChar } from '../line.js';
import type { Reader } from './reader.js';
import type { BodySection, Command, FetchAttribute, PartialRange } from './types.js';

const SIMPLE = new Set([
  'ENVELOPE',
  'FLAGS',
  'INTERNALDATE',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.SIZE',
  'RFC822.TEXT',
  'BODY',
  'BODYSTRUCTURE',
  'UID',
  'MODSEQ',
]);

const FAST: FetchAttribute[] = [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }];
const ALL: FetchAttribute[] = [...FAST, { kind: 'ENVELOPE' }];
const FULL: FetchAttribute[] = [...ALL, { kind: 'BODY' }];
const MACROS = { ALL, FAST, FULL } as const;

/** FETCH SP sequence-set SP (macro / fetch-att / "(" fetch-att *(SP fetch-att) ")") [SP "(" fetch-modifier ... ")"]. */
export function parseFetch(r: Reader, tag: string, uid: boolean): Command {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  let macro: 'ALL' | 'FAST' | 'FULL' | null = null;
  let attributes: FetchAttribute[];
  if (r.peek() === 0x28) {
    attributes = r.list(() => readAttribute(r, fetchName(r)), false, 'fetch attributes');
  } else {
    const name = fetchName(r);
    if ((name === 'ALL' || name === 'FAST' || name === 'FULL') && r.peek() !== 0x5b) {
      macro = name;
      attributes = [...MACROS[name]];
    } else {
      attributes = [readAttribute(r, name)];
    }
  }
  let changedSince: number | null = null;
  let vanished = false;
  if (r.trySp()) {
    r.list(
      () => {
        const modifier = r.keyword('fetch modifier');
        if (modifier === 'CHANGEDSINCE') {
          r.sp();
          changedSince = r.number64('mod-sequence');
        } else if (modifier === 'VANISHED') vanished = true;
        else r.fail('Unknown fetch modifier');
      },
      false,
      'fetch modifiers',
    );
    if (vanished && (!uid || changedSince === null)) r.fail('VANISHED needs UID FETCH with CHANGEDSINCE');
  }
  return { tag, name: 'FETCH', uid, set, attributes, macro, changedSince, vanished };
}

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** A data item name up to "[" or a delimiter: letters, digits and dots (RFC822.SIZE, BODY.PEEK). */
function fetchName(r: Reader): string {
  return r.token((b) => isLetter(b) || isDigit(b) || b === 0x2e, 'fetch attribute').toUpperCase();
}

function readAttribute(r: Reader, name: string): FetchAttribute {
  if (r.peek() !== 0x5b) {
    if (!SIMPLE.has(name)) r.fail('Unknown fetch attribute');
    return { kind: name } as FetchAttribute;
  }
  switch (name) {
    case 'BODY':
    case 'BODY.PEEK': {
      const section = readSection(r);
      return { kind: 'BODY[]', peek: name === 'BODY.PEEK', section, partial: readPartial(r) };
    }
    case 'BINARY':
    case 'BINARY.PEEK': {
      const part = readBinarySection(r);
      return { kind: 'BINARY[]', peek: name === 'BINARY.PEEK', part, partial: readPartial(r) };
    }
    case 'BINARY.SIZE':
      return { kind: 'BINARY.SIZE', part: readBinarySection(r) };
    default:
      return r.fail('Unknown fetch attribute');
  }
}

/** nz-number *("." nz-number), stopping before ".TEXT"-style suffixes. */
function readPart(r: Reader): number[] {
  const part: number[] = [];
  while (isDigit(r.peek())) {
    part.push(r.nzNumber('part number'));
    if (r.peek() !== 0x2e || !isDigit(r.peekAt(1))) break;
    r.tryByte(0x2e);
  }
  return part;
}

/** "[" [section-spec] "]". */
function readSection(r: Reader): BodySection {
  r.expect(0x5b, '"["');
  const part = readPart(r);
  let text: BodySection['text'] = null;
  let fields: string[] = [];
  const hasText = part.length === 0 ? r.peek() !== 0x5d : r.tryByte(0x2e);
  if (hasText) {
    const word = r.token((b) => isLetter(b) || b === 0x2e, 'section').toUpperCase();
    if (word === 'HEADER' || word === 'TEXT' || word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') text = word;
    else if (word === 'MIME' && part.length > 0) text = word;
    else r.fail('Invalid section');
    if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
      r.sp();
      fields = r.list(() => readFieldName(r), false, 'header field list');
    }
  }
  r.expect(0x5d, '"]" to close the section');
  return { part, text, fields };
}

/** header-fld-name = astring, limited to printable US-ASCII without ":" (RFC 5322 ftext). */
function readFieldName(r: Reader): string {
  const name = r.astring('header field name');
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) r.fail('Invalid header field name');
  return name;
}

/** section-binary = "[" [section-part] "]". */
function readBinarySection(r: Reader): number[] {
  r.expect(0x5b, '"["');
  const part = readPart(r);
  r.expect(0x5d, '"]" to close the section');
  return part;
}

/** partial = "<" number64 "." nz-number64 ">". */
function readPartial(r: Reader): PartialRange | null {
  if (!r.tryByte(0x3c)) return null;
  const offset = r.number64('partial offset');
  r.expect(0x2e, '"." in partial range');
  const length = r.number64('partial length');
  if (length === 0) r.fail('Partial length must not be zero');
  r.expect(0x3e, '">" to close the partial range');
  return { offset, length };
}

function quoteIfNeeded(name: string): string {
  for (let i = 0; i < name.length; i++) {
    if (!isAstringChar(name.charCodeAt(i))) return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return name;
}

/** Section texts by section: a command's section is named in the response of every message it fetches. */
const sectionTexts = new WeakMap<BodySection, string>();

/** Section text as FETCH responses name it: "1.2.HEADER.FIELDS (From To)", "" for the whole message. */
export function formatSection(section: BodySection): string {
  let text = sectionTexts.get(section);
  if (text === undefined) {
    text = sectionText(section);
    sectionTexts.set(section, text);
  }
  return text;
}

function sectionText(section: BodySection): string {
  const parts: string[] = section.part.map(String);
  if (section.text) parts.push(section.text);
  let text = parts.join('.');
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    text += ` (${section.fields.map(quoteIfNeeded).join(' ')})`;
  }
  return text;
}
