// IMAP section specifications (RFC 3501 §6.4.5 BODY[section], RFC 3516 BINARY[section]) resolved to byte ranges.
import type { MessageStructure, MimePart } from './types.js';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** A parsed section-spec: part path plus an optional text specifier. */
export interface SectionSpec {
  path: number[];
  text: SectionText | null;
  /** Field names for HEADER.FIELDS and HEADER.FIELDS.NOT, as given. */
  fields: string[];
}

export class SectionSyntaxError extends Error {
  override readonly name = 'SectionSyntaxError';
}

/**
 * Parses the text between the brackets of BODY[...]: "", "1.2", "1.2.MIME", "HEADER", "3.TEXT",
 * "HEADER.FIELDS (From To)", "1.HEADER.FIELDS.NOT (X-Spam)". Case-insensitive; throws SectionSyntaxError.
 */
export function parseSection(spec: string): SectionSpec {
  const m = /^((?:[1-9]\d*)(?:\.[1-9]\d*)*)?(?:(?:^|\.)(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?(?:\s+\((.*)\))?$/is.exec(
    spec.trim(),
  );
  if (!m || (m[1] === undefined && m[2] === undefined && spec.trim() !== '')) {
    throw new SectionSyntaxError(`invalid section: ${spec}`);
  }
  const path = m[1] ? m[1].split('.').map(Number) : [];
  const text = (m[2]?.toUpperCase() ?? null) as SectionText | null;
  if (text === 'MIME' && path.length === 0) throw new SectionSyntaxError('MIME needs a part number');
  const wantsFields = text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT';
  if (wantsFields !== (m[3] !== undefined)) throw new SectionSyntaxError(`invalid section: ${spec}`);
  const fields = wantsFields ? parseFieldList(m[3]!) : [];
  if (wantsFields && fields.length === 0) throw new SectionSyntaxError('empty header field list');
  return { path, text, fields };
}

function parseFieldList(list: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^\s"()]+)/g;
  for (let m = re.exec(list); m; m = re.exec(list)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/**
 * Finds the part a path names (RFC 3501 §6.4.5): numbers index the children of a multipart; a non-multipart part
 * only has part 1 (itself), and only a message/rfc822 part may be followed by more numbers, which continue inside
 * the embedded message.
 */
export function findPart(structure: MessageStructure, path: readonly number[]): MimePart | null {
  let part: MimePart | undefined = structure.root;
  for (let i = 0; i < path.length && part; i++) {
    const n = path[i]!;
    if (part.kind === 'multipart') part = part.parts[n - 1];
    else if (n !== 1 || (i + 1 < path.length && part.kind !== 'message')) return null;
    if (part && part.kind === 'message' && i + 1 < path.length) part = part.parts[0];
  }
  return part ?? null;
}

/** What to send for a section: octets [start, end) of the stored message, optionally filtered to header fields. */
export interface SectionRange {
  start: number;
  end: number;
  /** Present for HEADER.FIELDS[.NOT]: pass the octets through filterHeaderFields with these settings. */
  fields?: { names: string[]; not: boolean };
  /** The part the range belongs to (for BINARY decoding and sizes); null for the whole message. */
  part: MimePart | null;
}

/**
 * Resolves a section (string or parsed) to a byte range of the stored message. Returns null when the part does not
 * exist or the specifier does not apply (HEADER/TEXT of a part that is not message/rfc822): IMAP servers then send
 * an empty string.
 */
export function sectionRange(structure: MessageStructure, section: string | SectionSpec): SectionRange | null {
  const spec = typeof section === 'string' ? parseSection(section) : section;
  if (spec.path.length === 0) {
    const root = structure.root;
    switch (spec.text) {
      case null:
        return { start: 0, end: structure.size, part: null };
      case 'TEXT':
        return { start: root.bodyStart, end: root.bodyEnd, part: root };
      default:
        return headerRange(root, spec);
    }
  }
  let part: MimePart | null | undefined = findPart(structure, spec.path);
  if (!part) return null;
  if (spec.text === null) return { start: part.bodyStart, end: part.bodyEnd, part };
  if (spec.text === 'MIME') return { start: part.headerStart, end: part.bodyStart, part };
  if (part.kind !== 'message') return null;
  part = part.parts[0];
  if (!part) return null;
  if (spec.text === 'TEXT') return { start: part.bodyStart, end: part.bodyEnd, part };
  return headerRange(part, spec);
}

function headerRange(part: MimePart, spec: SectionSpec): SectionRange {
  const range: SectionRange = { start: part.headerStart, end: part.bodyStart, part };
  if (spec.text === 'HEADER.FIELDS' || spec.text === 'HEADER.FIELDS.NOT') {
    range.fields = { names: spec.fields, not: spec.text === 'HEADER.FIELDS.NOT' };
  }
  return range;
}

/**
 * Keeps the fields of a header block whose names are (or, with `not`, are not) in `names`, case-insensitively,
 * each with its folded lines. A line without a colon is a field named by the whole line. HEADER.FIELDS output
 * always ends with an empty line; HEADER.FIELDS.NOT output only when the header had one (as Dovecot does).
 * Line endings are kept as stored.
 */
export function filterHeaderFields(block: Uint8Array, names: readonly string[], not: boolean): Buffer {
  const text = Buffer.from(block.buffer, block.byteOffset, block.byteLength).toString('latin1');
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: string[] = [];
  let keep = false;
  let inField = false;
  let eol = '\r\n';
  let hasEmptyLine = false;
  let pos = 0;
  while (pos < text.length) {
    const lf = text.indexOf('\n', pos);
    const lineEnd = lf < 0 ? text.length : lf + 1;
    const line = text.slice(pos, lineEnd);
    pos = lineEnd;
    if (line === '\n' || line === '\r\n') {
      eol = line;
      hasEmptyLine = true;
      break;
    }
    const c0 = line.charCodeAt(0);
    if (!inField || (c0 !== 0x20 && c0 !== 0x09)) {
      const bare = line.replace(/\r?\n$/, '');
      const colon = bare.indexOf(':');
      let end = colon < 0 ? bare.length : colon;
      if (colon >= 0) while (end > 0 && (bare[end - 1] === ' ' || bare[end - 1] === '\t')) end--;
      const name = bare.slice(0, end).toLowerCase();
      keep = wanted.has(name) !== not;
      inField = true;
      if (lf >= 0) eol = line.endsWith('\r\n') ? '\r\n' : '\n';
    }
    if (keep) out.push(lf < 0 ? line + eol : line);
  }
  if (!not || hasEmptyLine) out.push(eol);
  return Buffer.from(out.join(''), 'latin1');
}
