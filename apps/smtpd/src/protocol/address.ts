// Mailbox and path syntax of RFC 5321 §4.1.2 with the UTF-8 extensions of RFC 6531 §3.3: dot-string and quoted
// local parts, domains (A-labels or U-labels), address literals, and source routes (parsed, then ignored).
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

/** An address as received: the local part's value (quoting removed) and the domain in two forms. */
export interface Mailbox {
  /** The local part's value: quotes removed and quoted pairs resolved; case preserved. */
  localPart: string;
  /** Whether the client wrote the local part as a quoted string. */
  quoted: boolean;
  /** The domain as written (a U-label domain stays in UTF-8), or the address literal with its brackets. */
  domain: string;
  /** Lowercase A-label form used for comparisons (address literals: lowercase, brackets kept). */
  domainAscii: string;
  /** Set when the domain is an address literal. */
  literal?: 'ipv4' | 'ipv6' | 'general';
  /** The canonical text form: local part quoted only when it must be, `@`, domain as written. */
  address: string;
  /** Whether any part is non-ASCII (needs SMTPUTF8, RFC 6531). */
  utf8: boolean;
}

export interface Path {
  mailbox: Mailbox;
  /** Source route domains (`@a,@b:`); RFC 5321 §4.1.1.3 says to ignore them, kept only for logging. */
  route: string[];
}

/** Reverse-path of MAIL FROM: a path or the null sender `<>`. */
export type ReversePath = Path | { null: true };

export class AddressSyntaxError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AddressSyntaxError';
  }
}

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets. */
export const MAX_MAILBOX_OCTETS = 254;
/** RFC 5321 §4.5.3.1.2 and RFC 1035: a domain is at most 255 octets, a label at most 63. */
export const MAX_DOMAIN_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;

/** atext (RFC 5322 §3.2.3) plus UTF8-non-ascii (RFC 6531 §3.3); C1 controls stay excluded. */
function isAtext(ch: string): boolean {
  return ATEXT.test(ch) || ch.codePointAt(0)! >= 0xa0;
}

/** RFC 5321 Dot-string: atoms of atext separated by single dots (RFC 6531: UTF-8 allowed). */
export function isDotString(s: string): boolean {
  if (s.length === 0) return false;
  for (const atom of s.split('.')) {
    if (atom.length === 0) return false;
    for (const ch of atom) if (!isAtext(ch)) return false;
  }
  return true;
}

/** The local part as it appears on the wire: bare when a dot-string, else a quoted string with `"` and `\` escaped. */
export function formatLocalPart(value: string): string {
  return isDotString(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function octets(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A cursor over one command argument. */
class Scanner {
  pos: number;
  constructor(
    readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  /** The next full character (a code point, which may be two UTF-16 units). */
  nextChar(): string | undefined {
    const cp = this.text.codePointAt(this.pos);
    if (cp === undefined) return undefined;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }
  expect(ch: string, what: string): void {
    if (this.text[this.pos] !== ch) throw new AddressSyntaxError(`expected ${what}`);
    this.pos++;
  }
}

/**
 * Validates a domain (RFC 5321 Domain, RFC 6531 U-labels) and returns its lowercase A-label form, or undefined.
 * Labels are letters, digits and inner hyphens; U-labels must convert to valid A-labels.
 */
export function normalizeDomain(domain: string): string | undefined {
  if (domain.length === 0 || octets(domain) > MAX_DOMAIN_OCTETS) return undefined;
  const labels = domain.split('.');
  for (const label of labels) {
    if (label.length === 0) return undefined;
    if (isAscii(label) && !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label)) return undefined;
    // A U-label may not hide spaces or controls (the IDNA mapping would drop some of them silently).
    for (const ch of label) if (ch.codePointAt(0)! <= 0x20 || ch === '\x7f') return undefined;
  }
  const ascii = isAscii(domain) ? domain.toLowerCase() : domainToASCII(domain.toLowerCase());
  if (!ascii || ascii.length > MAX_DOMAIN_OCTETS) return undefined;
  for (const label of ascii.split('.')) {
    if (label.length === 0 || label.length > MAX_LABEL_OCTETS) return undefined;
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label)) return undefined;
    // An A-label must decode: reject "xn--" labels the IDNA conversion refuses.
    if (label.startsWith('xn--') && domainToASCII(label) !== label) return undefined;
  }
  return ascii;
}

function readDomain(sc: Scanner): { domain: string; ascii: string } {
  const start = sc.pos;
  for (;;) {
    const ch = sc.peek();
    if (ch === undefined) break;
    const cp = ch.codePointAt(0)!;
    if (/[A-Za-z0-9.-]/.test(ch) || cp >= 0x80) sc.pos++;
    else break;
  }
  const domain = sc.text.slice(start, sc.pos);
  const ascii = normalizeDomain(domain);
  if (ascii === undefined) throw new AddressSyntaxError(domain ? 'invalid domain' : 'missing domain');
  return { domain, ascii };
}

function readAddressLiteral(sc: Scanner): { domain: string; ascii: string; literal: 'ipv4' | 'ipv6' | 'general' } {
  const start = sc.pos;
  sc.expect('[', '"["');
  const end = sc.text.indexOf(']', sc.pos);
  if (end < 0) throw new AddressSyntaxError('unterminated address literal');
  const inner = sc.text.slice(sc.pos, end);
  sc.pos = end + 1;
  const domain = sc.text.slice(start, sc.pos);
  if (isIPv4(inner)) return { domain, ascii: domain, literal: 'ipv4' };
  const tag = /^([A-Za-z0-9-]*[A-Za-z0-9]):(.+)$/.exec(inner);
  if (!tag) throw new AddressSyntaxError('invalid address literal');
  const [, name = '', content = ''] = tag;
  if (name.toLowerCase() === 'ipv6') {
    if (!isIPv6(content) || content.includes('%')) throw new AddressSyntaxError('invalid IPv6 address literal');
    return { domain, ascii: `[IPv6:${content.toLowerCase()}]`, literal: 'ipv6' };
  }
  // General-address-literal: Standardized-tag ":" 1*dcontent (printable ASCII except "[", "\", "]").
  if (!/^[\x21-\x5a\x5e-\x7e]+$/.test(content)) throw new AddressSyntaxError('invalid address literal');
  return { domain, ascii: domain.toLowerCase(), literal: 'general' };
}

function readLocalPart(sc: Scanner): { value: string; quoted: boolean } {
  if (sc.peek() === '"') {
    sc.pos++;
    let value = '';
    for (;;) {
      const ch = sc.nextChar();
      if (ch === undefined) throw new AddressSyntaxError('unterminated quoted string');
      if (ch === '"') break;
      if (ch === '\\') {
        const next = sc.nextChar();
        // quoted-pairSMTP = "\" %d32-126 (RFC 5321 §4.1.2)
        if (next === undefined || next.length !== 1 || next.charCodeAt(0) < 32 || next.charCodeAt(0) > 126) {
          throw new AddressSyntaxError('invalid quoted pair');
        }
        value += next;
        continue;
      }
      const cp = ch.codePointAt(0)!;
      // qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii (RFC 6531)
      if ((cp < 32 || cp === 127) || (cp >= 0x80 && cp < 0xa0)) throw new AddressSyntaxError('invalid character in quoted string');
      value += ch;
    }
    return { value, quoted: true };
  }
  const start = sc.pos;
  for (;;) {
    const ch = sc.peek();
    if (ch === undefined) break;
    if (ch === '.' || isAtext(ch)) sc.nextChar();
    else break;
  }
  const value = sc.text.slice(start, sc.pos);
  if (!isDotString(value)) throw new AddressSyntaxError(value ? 'invalid local part' : 'missing local part');
  return { value, quoted: false };
}

/** Mailbox = Local-part "@" ( Domain / address-literal ), read from the scanner's position. */
function readMailbox(sc: Scanner): Mailbox {
  const local = readLocalPart(sc);
  sc.expect('@', '"@" and a domain');
  if (sc.peek() === '[') {
    const lit = readAddressLiteral(sc);
    return makeMailbox(local.value, local.quoted, lit.domain, lit.ascii, lit.literal);
  }
  const dom = readDomain(sc);
  return makeMailbox(local.value, local.quoted, dom.domain, dom.ascii);
}

function makeMailbox(localPart: string, quoted: boolean, domain: string, domainAscii: string, literal?: Mailbox['literal']): Mailbox {
  const address = `${formatLocalPart(localPart)}@${domain}`;
  if (octets(address) > MAX_MAILBOX_OCTETS) throw new AddressSyntaxError('address too long');
  const mailbox: Mailbox = { localPart, quoted, domain, domainAscii, address, utf8: !isAscii(address) };
  if (literal) mailbox.literal = literal;
  return mailbox;
}

export interface PathOptions {
  /** Accept `<>` (MAIL FROM). */
  allowNull?: boolean;
  /** Accept `<Postmaster>` without a domain (RCPT TO, RFC 5321 §4.1.1.3) as postmaster@this domain. */
  postmasterDomain?: string;
}

/**
 * Parses `<[A-d-l:]Mailbox>` (or `<>`) starting at `start`. Returns the path and the index after `>`.
 * Throws AddressSyntaxError.
 */
export function parsePath(text: string, start: number, options: PathOptions = {}): { path: ReversePath; end: number } {
  const sc = new Scanner(text, start);
  sc.expect('<', '"<"');
  if (sc.peek() === '>') {
    if (!options.allowNull) throw new AddressSyntaxError('empty address');
    return { path: { null: true }, end: sc.pos + 1 };
  }
  if (options.postmasterDomain !== undefined) {
    const m = /^postmaster>/i.exec(text.slice(sc.pos));
    if (m) {
      const mailbox = makeMailbox('postmaster', false, options.postmasterDomain, normalizeDomain(options.postmasterDomain) ?? options.postmasterDomain.toLowerCase());
      return { path: { mailbox, route: [] }, end: sc.pos + m[0].length };
    }
  }
  const route: string[] = [];
  if (sc.peek() === '@') {
    // A-d-l = At-domain *( "," At-domain ) ":"
    for (;;) {
      sc.expect('@', '"@" in source route');
      route.push(readDomain(sc).ascii);
      if (sc.peek() === ',') {
        sc.pos++;
        continue;
      }
      sc.expect(':', '":" after source route');
      break;
    }
  }
  const mailbox = readMailbox(sc);
  sc.expect('>', '">" after the address');
  return { path: { mailbox, route }, end: sc.pos };
}

/** Parses a whole `<...>` argument and nothing else. */
export function parsePathOnly(text: string, options: PathOptions = {}): ReversePath {
  const { path, end } = parsePath(text, 0, options);
  if (end !== text.length) throw new AddressSyntaxError('text after the address');
  return path;
}

/** Parses a bare mailbox `local@domain` (no brackets), as in VRFY or an ORCPT value. */
export function parseMailbox(text: string): Mailbox {
  const sc = new Scanner(text, 0);
  const mailbox = readMailbox(sc);
  if (sc.pos !== text.length) throw new AddressSyntaxError('text after the address');
  return mailbox;
}

export function isNullPath(p: ReversePath): p is { null: true } {
  return 'null' in p;
}
