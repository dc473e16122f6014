// The IMAP protocol layer of imapd (IMAP4rev1 RFC 3501, IMAP4rev2 RFC 9051): framer, parser, response composer,
// sequence sets and mailbox name codec. Pure: no sockets, no storage.
export { Framer, DEFAULT_FRAMER_LIMITS } from './framer.js';
export type { CommandUnit, FramerEvent, FramerLimits, LiteralAnnouncement, UnitLiteral } from './framer.js';

export { ImapParseError, FramerError, MailboxNameError } from './errors.js';
export type { FramerErrorCode, ImapParseErrorOptions } from './errors.js';

export { parseCommand, COMMAND_NAMES } from './parser/command.js';
export { parseSaslResponse, decodeBase64, isIdleDone } from './parser/general.js';
export { formatSection } from './parser/fetch.js';
export { SEARCH_CHARSETS } from './parser/search.js';
export type {
  AppendMessage,
  BodySection,
  Command,
  CommandName,
  FetchAttribute,
  ImapDate,
  ListReturn,
  ListSelection,
  LiteralContent,
  ParseOptions,
  PartialRange,
  QresyncParam,
  SearchKey,
  SearchReturn,
  StoreOperation,
} from './parser/types.js';

export { compose, composeBuffer, ComposeError } from './compose.js';
export type { ComposeOptions, WirePart } from './compose.js';
export type {
  Address,
  BodyDisposition,
  BodyParams,
  BodyPart,
  BodyStructure,
  Continuation,
  Envelope,
  FetchContent,
  FetchResponseItem,
  MultipartBody,
  NamespaceDescriptor,
  NString,
  QuotaResource,
  Response,
  ResponseCode,
  SimpleResponseCode,
  StatusItemName,
  StreamedLiteral,
  TaggedResponse,
  UntaggedData,
  UntaggedStatus,
} from './response-types.js';

export {
  MAX_UINT32,
  compressInOrder,
  compressSequence,
  formatSequenceSet,
  lowerBound,
  matchUidSet,
  parseSequenceSet,
  resolveSequenceNumbers,
  resolveUids,
  sequenceSetContains,
  sequenceSetOf,
} from './sequence.js';
export type { SeqNumber, SeqRange, SequenceResolution, SequenceSet } from './sequence.js';

export { decodeMailboxName, decodeMutf7, encodeMailboxName, encodeMutf7, isInbox, isValidMutf7, normalizeInbox } from './mutf7.js';
export { MONTHS, formatDate, formatDateTime, imapDateToUtc, parseDateText, parseDateTime } from './datetime.js';
export { commandHead, isAstringChar, isAtomChar, isTag } from './line.js';
export type { CommandHead } from './line.js';
