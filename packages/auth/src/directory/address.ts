// Mail addresses as the directory sees them: splitting, validation (RFC 5321 Dot-string local parts, LDH domains),
// the canonical form (domain lowercased, local part kept) and the lookup key (everything lowercased).
import { domainToASCII } from 'node:url';
import { DirectoryError } from './errors.js';

export interface ParsedAddress {
  /** Local part as written. */
  local: string;
  /** Domain in lowercase ASCII (IDNs as A-labels). */
  domain: string;
  /** Canonical form: `local@domain`. */
  address: string;
}

// RFC 5322 atext, plus UTF-8 beyond ASCII (RFC 6531). '/' is left out on purpose: local parts become path names.
const ATOM = /^[A-Za-z0-9!#$%&'*+\-=?^_`{|}~\u0080-\uFFFF]+$/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Splits at the last '@'; no validation. `null` when there is no '@' or one side is empty. */
export function splitAddress(text: string): { local: string; domain: string } | null {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  return { local: text.slice(0, at), domain: text.slice(at + 1) };
}

/** A domain in lowercase ASCII, or null when it is not a valid host name (LDH labels, 253 octets at most). */
export function normalizeDomain(text: string): string | null {
  let d = text.trim().replace(/\.$/, '');
  if (d === '' || /[\s\p{Cc}]/u.test(d)) return null;
  if (/[^\p{ASCII}]/u.test(d)) {
    d = domainToASCII(d);
    if (d === '') return null;
  }
  d = d.toLowerCase();
  if (d.length > 253) return null;
  return d.split('.').every((l) => LABEL.test(l)) ? d : null;
}

/** Whether a local part is a Dot-string (RFC 5321 §4.1.2) of at most 64 octets without '/'. */
export function isValidLocalPart(local: string): boolean {
  if (Buffer.byteLength(local, 'utf8') > 64) return false;
  return local.split('.').every((atom) => ATOM.test(atom));
}

/** Parses and validates an address; throws INVALID_ADDRESS with the reason. */
export function parseAddress(text: string): ParsedAddress {
  const trimmed = text.trim();
  const parts = splitAddress(trimmed);
  if (!parts) throw new DirectoryError('INVALID_ADDRESS', `'${text}' is not an address of the form local@domain`);
  if (!isValidLocalPart(parts.local)) {
    throw new DirectoryError('INVALID_ADDRESS', `'${text}': the local part '${parts.local}' is not a valid dot-atom of at most 64 octets`);
  }
  const domain = normalizeDomain(parts.domain);
  if (!domain) throw new DirectoryError('INVALID_ADDRESS', `'${text}': '${parts.domain}' is not a valid domain name`);
  return { local: parts.local, domain, address: `${parts.local}@${domain}` };
}

/**
 * Parses an address that is to be written as the first word of a line of the user file or the virtual map:
 * a local part starting with '#' is valid mail syntax but would read back as a comment.
 */
export function parseStorableAddress(text: string): ParsedAddress {
  const parsed = parseAddress(text);
  if (parsed.local.startsWith('#')) throw new DirectoryError('INVALID_ADDRESS', `'${text}': a local part starting with '#' cannot be stored (it would read as a comment)`);
  return parsed;
}

/** Parses a domain name; throws INVALID_ADDRESS. */
export function parseDomain(text: string): string {
  const domain = normalizeDomain(text);
  if (!domain) throw new DirectoryError('INVALID_ADDRESS', `'${text}' is not a valid domain name`);
  return domain;
}

/** The key addresses are matched by: local part and domain compared without regard to case. */
export function addressKey(address: string): string {
  const parts = splitAddress(address.trim());
  if (!parts) return address.trim().toLowerCase();
  const domain = normalizeDomain(parts.domain) ?? parts.domain.toLowerCase();
  return `${parts.local.toLowerCase()}@${domain}`;
}

/**
 * Splits `user+tag` into base and extension at the first character of `delimiters` (Postfix
 * recipient_delimiter: a set of characters). A delimiter in the first position does not split.
 */
export function splitExtension(local: string, delimiters: string): { base: string; extension?: string } {
  if (!delimiters) return { base: local };
  for (let i = 1; i < local.length; i++) {
    if (delimiters.includes(local[i]!)) return { base: local.slice(0, i), extension: local.slice(i + 1) };
  }
  return { base: local };
}
