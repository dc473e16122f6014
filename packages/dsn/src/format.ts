// Text formatting shared by the report parts: RFC 5322 dates, header folding, xtext and RFC 6533 address encodings,
// quoted-printable for the human-readable part, and removal of anything that could break a header line.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** An RFC 5322 date-time in UTC: "Thu, 03 Dec 2026 13:31:16 +0000". */
export function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Replaces control characters (CR and LF above all) and collapses runs of blanks: the value becomes one safe line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** True when every character is US-ASCII. */
export function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u007f]*$/.test(text);
}

/**
 * One header field, folded at blanks so that lines stay within 78 characters where the value allows it
 * (RFC 5322 §2.2.3); a word longer than a line is left whole. Ends with CRLF.
 */
export function foldField(name: string, value: string, width = 78): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  let first = true;
  for (const word of words) {
    if (!first && line.length + 1 + word.length > width && line.trim() !== `${name}:`) {
      lines.push(line);
      line = ` ${word}`;
    } else {
      line += ` ${word}`;
    }
    first = false;
  }
  lines.push(line);
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 3461 §4 xtext: "+" followed by two upper-case hex digits for "+", "=", controls, space and non-ASCII octets. */
export function encodeXtext(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte < 0x21 || byte > 0x7e || byte === 0x2b || byte === 0x3d ? `+${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/**
 * RFC 6533 utf-8-addr-xtext: the 7-bit form of a UTF-8 address. Characters outside printable ASCII, and "\", "+"
 * and "=", become \x{HEX} (the code point in upper-case hex).
 */
export function encodeUtf8AddrXtext(address: string): string {
  let out = '';
  for (const ch of address) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x21 || cp > 0x7e || ch === '\\' || ch === '+' || ch === '=' ? `\\x{${cp.toString(16).toUpperCase()}}` : ch;
  }
  return out;
}

/** Decodes RFC 6533 \x{HEX} escapes (the inverse of encodeUtf8AddrXtext). */
export function decodeUtf8AddrXtext(text: string): string {
  return text.replace(/\\x\{([0-9A-Fa-f]{1,6})\}/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)));
}

/**
 * An address-type;address value for Original-Recipient and Final-Recipient fields (RFC 3464 §2.3.1, RFC 6533 §3).
 * ASCII addresses are "rfc822;addr"; non-ASCII ones "utf-8;addr" in a global report, else "utf-8;" in the 7-bit
 * utf-8-addr-xtext form. An ORCPT value already carries its type, which is kept unless its address needs "utf-8".
 */
export function typedAddress(value: string, global: boolean, typed = false): string {
  let type = 'rfc822';
  let address = oneLine(value);
  if (typed) {
    const semi = address.indexOf(';');
    if (semi > 0) {
      type = address.slice(0, semi).trim().toLowerCase();
      address = address.slice(semi + 1).trim();
    }
    if (type === 'utf-8') address = decodeUtf8AddrXtext(address);
  }
  if (isAscii(address)) return `${type === 'utf-8' ? 'rfc822' : type};${address}`;
  return global ? `utf-8;${address}` : `utf-8;${encodeUtf8AddrXtext(address)}`;
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text with CRLF line breaks, soft-wrapped at 76 characters. */
export function encodeQuotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let encoded = '';
    const bytes = Buffer.from(line, 'utf8');
    bytes.forEach((b, i) => {
      const last = i === bytes.length - 1;
      const literal = (b >= 0x21 && b <= 0x7e && b !== 0x3d) || ((b === 0x20 || b === 0x09) && !last);
      encoded += literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    });
    let rest = encoded;
    while (rest.length > 76) {
      let cut = 75;
      // Never split an =XX escape.
      if (rest[cut - 1] === '=') cut -= 1;
      else if (rest[cut - 2] === '=') cut -= 2;
      out.push(`${rest.slice(0, cut)}=`);
      rest = rest.slice(cut);
    }
    out.push(rest);
  }
  return out.join('\r\n');
}
