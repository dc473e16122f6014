// IMAP LIST patterns (RFC 3501 §6.3.8, RFC 9051 §6.3.9): "*" matches anything, "%" anything but the hierarchy separator.
import type { HierarchySeparator } from './folder-names.js';

/** Joins a LIST reference and pattern the way RFC 3501 describes (a pattern starting with the separator ignores the reference). */
export function joinReference(reference: string, pattern: string, separator: HierarchySeparator): string {
  if (reference === '' || pattern.startsWith(separator)) return pattern;
  return reference + pattern;
}

/** Compiles a LIST pattern to a predicate over canonical folder names; an "INBOX" prefix matches in any letter case. */
export function compilePattern(pattern: string, separator: HierarchySeparator): (name: string) => boolean {
  const re = toRegex(pattern, separator);
  const head = pattern.slice(0, 5);
  const inboxRe = head.toUpperCase() === 'INBOX' && head !== 'INBOX' ? toRegex('INBOX' + pattern.slice(5), separator) : null;
  return (name) => re.test(name) || (inboxRe !== null && inboxRe.test(name));
}

function toRegex(pattern: string, separator: HierarchySeparator): RegExp {
  let body = '';
  for (const ch of pattern) {
    if (ch === '*') body += '.*';
    else if (ch === '%') body += `[^${escapeRegex(separator)}]*`;
    else body += escapeRegex(ch);
  }
  return new RegExp(`^${body}$`, 'su');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
