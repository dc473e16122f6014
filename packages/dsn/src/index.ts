// @mail/dsn: delivery status notifications (RFC 3464 in an RFC 6522 multipart/report, RFC 6533 for UTF-8 addresses),
// built as a stream ready to spool, and the RFC 3461 NOTIFY rules that decide whether one is sent.
export { buildDsn, returnMode, DEFAULT_FULL_RETURN_LIMIT, DEFAULT_HEADER_LIMIT, DEFAULT_RETURN_LIMIT } from './build.js';
export { deliveryStatusBody } from './delivery-status.js';
export { decodeUtf8AddrXtext, encodeUtf8AddrXtext, encodeXtext, formatDate, typedAddress } from './format.js';
export { humanText, leadingAction, subjectFor } from './human.js';
export { DEFAULT_NOTIFY, notifyKeyword, shouldSendDsn, type NotifyKeyword, type NotifySpec } from './notify.js';
export { headerLength, originalHeader } from './original.js';
export { checkStatus, isStatusCode, statusClass, statusText } from './status.js';
export { DSN_ACTIONS, DsnError, type DsnAction, type DsnInput, type DsnMessage, type DsnOriginal, type DsnRecipient } from './types.js';
