// Scanners over raw command lines for the framer: the tag and command name at the start, the literal marker at the end.

/** ATOM-CHAR (RFC 9051 §9): CHAR except atom-specials "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]". */
export function isAtomChar(byte: number): boolean {
  if (byte <= 0x20 || byte >= 0x7f) return false;
  return byte !== 0x28 && byte !== 0x29 && byte !== 0x7b && byte !== 0x25 && byte !== 0x2a && byte !== 0x22 && byte !== 0x5c && byte !== 0x5d;
}

/** ASTRING-CHAR: ATOM-CHAR or "]". */
export function isAstringChar(byte: number): boolean {
  return isAtomChar(byte) || byte === 0x5d;
}

/** tag = 1*<any ASTRING-CHAR except "+">. */
export function isTag(text: Uint8Array): boolean {
  if (text.length === 0) return false;
  for (const b of text) if (!isAstringChar(b) || b === 0x2b) return false;
  return true;
}

export interface CommandHead {
  tag: string | null;
  /** Upper-case command name, "UID FETCH" for UID commands; null when unreadable. */
  command: string | null;
}

/** Reads `tag SP name [SP name]` from the first line of a command, for error replies and literal decisions. */
export function commandHead(line: Uint8Array): CommandHead {
  const words: string[] = [];
  let start = 0;
  for (let i = 0; i <= line.length && words.length < 3; i++) {
    if (i === line.length || line[i] === 0x20) {
      words.push(Buffer.from(line.subarray(start, i)).toString('latin1'));
      start = i + 1;
    }
  }
  const tagText = words[0] ?? '';
  const tag = isTag(Buffer.from(tagText, 'latin1')) ? tagText : null;
  if (tag === null) return { tag: null, command: null };
  const name = words[1]?.toUpperCase();
  if (!name || !/^[A-Z][A-Z0-9.-]*$/.test(name)) return { tag, command: null };
  if (name === 'UID' && words[2] && /^[A-Za-z]+$/.test(words[2])) return { tag, command: `UID ${words[2].toUpperCase()}` };
  return { tag, command: name };
}

export interface LiteralMarker {
  /** Offset of "{" (or "~") in the line: the text before it is the command text. */
  start: number;
  /** Announced octet count; Infinity when it has more digits than any limit could allow. */
  size: number;
  /** {n} waits for a continuation; {n+} (LITERAL+/LITERAL-, RFC 7888) does not. */
  sync: boolean;
  /** ~{n}: literal8 (RFC 3516), may hold NUL. */
  binary: boolean;
}

const MAX_DIGITS = 15;

/**
 * The literal announced at the end of a line (without CRLF): `{n}`, `{n+}`, `~{n}` or `~{n+}`. Returns null when
 * the line does not end in a marker, and 'ambiguous' when it ends in "}" after a run of digits that fills the
 * whole buffer (a tail kept while discarding), where a marker cannot be ruled out.
 */
export function literalMarker(line: Uint8Array): LiteralMarker | 'ambiguous' | null {
  let i = line.length - 1;
  if (i < 0 || line[i] !== 0x7d) return null;
  i--;
  const sync = line[i] !== 0x2b;
  if (!sync) i--;
  const digitsEnd = i + 1;
  while (i >= 0 && (line[i] as number) >= 0x30 && (line[i] as number) <= 0x39) i--;
  const digits = digitsEnd - (i + 1);
  if (digits === 0) return null;
  if (i < 0) return 'ambiguous';
  if (line[i] !== 0x7b) return null;
  const binary = i > 0 && line[i - 1] === 0x7e;
  const text = Buffer.from(line.subarray(i + 1, digitsEnd)).toString('latin1');
  const significant = text.replace(/^0+(?=\d)/, '');
  const size = significant.length > MAX_DIGITS ? Infinity : Number(significant);
  return { start: binary ? i - 1 : i, size, sync, binary };
}
