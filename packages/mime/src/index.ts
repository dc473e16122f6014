// @mail/mime: streaming MIME structure with exact offsets, header and address parsing, encoded words, and IMAP
// BODYSTRUCTURE, ENVELOPE and section extraction, for imapd, the mda and smtpd.
export type { Address, Mailbox, ParseAddressOptions } from './address.js';
export { mailboxes, parseAddresses } from './address.js';
export { bodyStructure, envelope, type BodyStructureOptions } from './bodystructure.js';
export { decodeCharset, decodeUnlabelled } from './charset.js';
export { parseDate, type ParsedDate } from './date.js';
export {
  Base64Decoder,
  decodeBody,
  decodedSize,
  decoderFor,
  type DecodeOptions,
  IdentityDecoder,
  partDecoder,
  QuotedPrintableDecoder,
  UnknownEncodingError,
} from './decode.js';
export { decodeHeaderValue, decodeWords } from './encoded-words.js';
export {
  bytesToString,
  getField,
  getFields,
  HeaderCollector,
  headerEnd,
  parseHeader,
  stringToBytes,
  unfold,
  type HeaderField,
} from './header.js';
export { forHumans, imapString, noLineBreaks, parseImapValue, toImapBuffer, toImapString, type ImapValue } from './imap-value.js';
export { messageId, messageIds } from './message-id.js';
export { ParserStateError, StructureParser, type ParseLimits } from './parser.js';
export { HeaderTooLargeError, readHeader, type ReadHeaderResult } from './read-header.js';
export { envelopeData, parseContentType } from './part-data.js';
export { decodeExtendedValue, decodeParams, type MimeParam } from './rfc2231.js';
export {
  filterHeaderFields,
  findPart,
  parseSection,
  SectionSyntaxError,
  sectionRange,
  type SectionRange,
  type SectionSpec,
  type SectionText,
} from './section.js';
export { parseStructure, parseStructureSync, type MessageSource } from './structure.js';
export { partText } from './text.js';
export type { EnvelopeData, MessageStructure, MimePart, PartKind, RegionSize } from './types.js';
