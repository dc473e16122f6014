// SASLprep (RFC 4013, a profile of stringprep RFC 3454) for SCRAM passwords and user names: mapping, NFKC, prohibited output.

/** RFC 3454 C.1.2: non-ASCII space characters, mapped to U+0020. */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
/** RFC 3454 B.1: characters commonly mapped to nothing (combining marks among them, matched one by one on purpose). */
// eslint-disable-next-line no-misleading-character-class
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;
/**
 * RFC 3454 tables C.2.1–C.9 (controls, private use, non-characters, surrogates, inappropriate for plain text or
 * canonical representation, change display properties, tagging characters).
 */
const PROHIBITED =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u0000-\u001F\u007F-\u009F\u0340\u0341\u06DD\u070F\u180E\u200C-\u200F\u2028-\u202E\u2060-\u2063\u206A-\u206F\u2FF0-\u2FFB\uD800-\uDFFF\uE000-\uF8FF\uFDD0-\uFDEF\uFEFF\uFFF9-\uFFFF\u{1D173}-\u{1D17A}\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{E0001}\u{E0020}-\u{E007F}\u{EFFFE}-\u{10FFFF}]/u;

/**
 * Prepares a string with SASLprep as a "query" (unassigned code points allowed). Returns null
 * when the result would contain a prohibited character (lone surrogates included). The bidirectional-text rule
 * (RFC 3454 §6) is not checked.
 */
export function saslprep(input: string): string | null {
  const mapped = input.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '');
  const normalized = mapped.normalize('NFKC');
  return PROHIBITED.test(normalized) ? null : normalized;
}
