// xtext (RFC 3461 §4) used by ENVID, ORCPT and AUTH=, and the utf-8-addr forms of ORCPT (RFC 6533 §3).

/**
 * Decodes xtext: printable ASCII except `+` and `=` stand for themselves, `+XX` (two upper-case hex digits) is
 * any octet. Returns undefined when the text is not valid xtext. The decoded octets are read as UTF-8.
 */
export function decodeXtext(text: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b /* + */) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c >= 0x21 && c <= 0x7e && c !== 0x3d /* = */) {
      bytes.push(c);
    } else {
      return undefined;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** Encodes text as xtext: octets outside `!`..`~`, and `+` and `=`, become `+XX`. */
export function encodeXtext(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    out += b >= 0x21 && b <= 0x7e && b !== 0x2b && b !== 0x3d ? String.fromCharCode(b) : `+${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Decodes an ORCPT value of type `utf-8` (RFC 6533 §3): utf-8-addr-xtext or utf-8-addr-unitext. Characters
 * stand for themselves except `\x{HEX}` (a Unicode scalar value, 1 to 6 hex digits); `+`, `=`, `\` and controls
 * may not appear raw. Returns undefined for malformed input.
 */
export function decodeUtf8AddrXtext(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp === 0x5c /* \ */) {
      const m = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(text.slice(i));
      if (!m) return undefined;
      const value = parseInt(m[1] as string, 16);
      // RFC 6533: only characters that could not appear raw are escaped; reject surrogates and out-of-range values.
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
      out += String.fromCodePoint(value);
      i += m[0].length;
      continue;
    }
    if (cp < 0x21 || cp === 0x7f || cp === 0x2b || cp === 0x3d || (cp >= 0x80 && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    out += String.fromCodePoint(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}
