// MIME parameters (RFC 2045 §5.1) with RFC 2231 continuations merged as IMAP servers report them, and decoded to UTF-8.
import { decodeCharset } from './charset.js';
import { decodeWords } from './encoded-words.js';
import type { Rfc822Cursor } from './rfc822.js';

/** A parameter as [name, value] byte strings. RFC 2231 continuations are merged into one `name*` entry. */
export type MimeParam = [name: string, value: string];

interface Section {
  key: string;
  value: string;
  idx: number;
  extended: boolean;
  order: number;
}

/**
 * Reads `;`-separated parameters from the cursor. Continuations `name*0`, `name*1*`, … are merged in index order;
 * when any section is extended the result is `name*` = `charset'language'percent-encoded` (plain sections escaped);
 * incomplete sequences are kept as the separate sections they are.
 */
export function parseParams(cursor: Rfc822Cursor): { params: MimeParam[]; broken: boolean } {
  const params: MimeParam[] = [];
  const sections: Section[] = [];
  let broken = false;
  for (;;) {
    const p = cursor.contentParam();
    if (p === null) break;
    if (p === 'broken') {
      broken = true;
      if (cursor.end) break;
      cursor.pos++;
      continue;
    }
    const star = p.key.indexOf('*');
    if (star >= 0) {
      let i = star;
      let idx = 0;
      if (i + 1 < p.key.length) {
        i++;
        while (i < p.key.length && p.key.charCodeAt(i) >= 0x30 && p.key.charCodeAt(i) <= 0x39) {
          idx = idx * 10 + p.key.charCodeAt(i) - 0x30;
          i++;
        }
      }
      let extended = false;
      if (p.key[i] === '*') {
        extended = true;
        i++;
      }
      if (i === p.key.length) {
        sections.push({ key: p.key.slice(0, star), value: p.value, idx, extended, order: sections.length });
        continue;
      }
    }
    params.push([p.key, p.value]);
  }
  if (sections.length > 0) mergeSections(sections, params);
  return { params, broken };
}

function mergeSections(sections: Section[], out: MimeParam[]): void {
  sections.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.idx - b.idx || a.order - b.order));
  for (let i = 0; i < sections.length; ) {
    const first = sections[i]!;
    let j = i;
    let ok = true;
    let extended = false;
    let next = 0;
    for (; j < sections.length && sections[j]!.key.toLowerCase() === first.key.toLowerCase(); j++) {
      if (sections[j]!.idx !== next) ok = false;
      if (sections[j]!.extended) extended = true;
      next++;
    }
    if (!ok) {
      for (let k = i; k < j; k++) {
        const s = sections[k]!;
        out.push([`${s.key}*${s.idx}${s.extended ? '*' : ''}`, s.value]);
      }
    } else {
      let value = !first.extended && extended ? "''" : '';
      for (let k = i; k < j; k++) {
        const s = sections[k]!;
        value += !s.extended && extended ? s.value.replace(/%/g, '%25') : s.value;
      }
      out.push([extended ? `${first.key}*` : first.key, value]);
    }
    i = j;
  }
}

/** Decodes `charset'language'percent-encoded` (RFC 2231 §4) to UTF-8; undefined when the value is not of that form. */
export function decodeExtendedValue(value: string): string | undefined {
  const m = /^([^']*)'([^']*)'(.*)$/s.exec(value);
  if (!m) return undefined;
  const bytes: number[] = [];
  const text = m[3]!;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return decodeCharset(Buffer.from(bytes), m[1] || 'us-ascii');
}

/**
 * Parameters as a name → UTF-8 value map for display (file names, charsets): names lower-cased, RFC 2231 values
 * decoded, and RFC 2047 encoded words (which many mailers wrongly put in parameters) decoded as well.
 * The first occurrence of a name wins; an extended `name*` wins over a plain `name`.
 */
export function decodeParams(params: readonly MimeParam[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const fromExtended = new Set<string>();
  for (const [rawName, rawValue] of params) {
    if (rawName.endsWith('*')) {
      const name = rawName.slice(0, -1).toLowerCase();
      if (fromExtended.has(name)) continue;
      const decoded = decodeExtendedValue(rawValue);
      out[name] = decoded ?? decodeWords(rawValue);
      fromExtended.add(name);
    } else {
      const name = rawName.toLowerCase();
      if (name in out) continue;
      out[name] = decodeWords(rawValue);
    }
  }
  return out;
}
