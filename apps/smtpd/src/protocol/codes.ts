// Named SMTP reply codes (RFC 5321 §4.2, RFC 3030, RFC 4954, RFC 7504) and enhanced status codes (RFC 3463, RFC 5248).

/** Basic reply codes: the three digits that start every reply line. */
export const Reply = {
  SystemStatus: 211,
  HelpMessage: 214,
  ServiceReady: 220,
  ServiceClosing: 221,
  AuthSucceeded: 235,
  Ok: 250,
  UserNotLocalWillForward: 251,
  CannotVerify: 252,
  AuthContinue: 334,
  StartMailInput: 354,
  ServiceNotAvailable: 421,
  MailboxBusy: 450,
  LocalError: 451,
  InsufficientStorage: 452,
  TempAuthFailure: 454,
  ParamsNotAccommodated: 455,
  SyntaxError: 500,
  ParamSyntaxError: 501,
  NotImplemented: 502,
  BadSequence: 503,
  ParamNotImplemented: 504,
  NoMailHere: 521,
  AuthRequired: 530,
  AuthFailed: 535,
  EncryptionRequiredForMech: 538,
  MailboxUnavailable: 550,
  UserNotLocal: 551,
  ExceededStorage: 552,
  MailboxNameNotAllowed: 553,
  TransactionFailed: 554,
  ParamsNotRecognized: 555,
} as const;
export type ReplyCode = (typeof Reply)[keyof typeof Reply];

/** Enhanced status codes, `class.subject.detail`, as sent after the basic code. */
export const Enhanced = {
  // x.0.x other or undefined
  Ok: '2.0.0',
  OtherPermanent: '5.0.0',
  SenderOk: '2.1.0',
  DestinationOk: '2.1.5',
  AuthSucceeded: '2.7.0',
  // x.1.x addressing
  BadDestinationMailbox: '5.1.1',
  BadDestinationSyntax: '5.1.3',
  BadSenderSyntax: '5.1.7',
  // x.3.x mail system
  SystemNotAccepting: '4.3.2',
  TempLocalError: '4.3.0',
  MessageTooBig: '5.3.4',
  // x.4.x network and routing
  TimeoutExceeded: '4.4.2',
  // x.5.x mail delivery protocol
  ProtocolError: '5.5.0',
  BadCommandOrSequence: '5.5.1',
  SyntaxError: '5.5.2',
  TooManyRecipients: '4.5.3',
  InvalidParams: '5.5.4',
  AuthLineTooLong: '5.5.6',
  // x.6.x message content
  MediaError: '5.6.0',
  NonAsciiAddressNotPermitted: '5.6.7',
  // x.7.x security and policy
  SecurityOther: '5.7.0',
  TempSecurityOther: '4.7.0',
  DeliveryNotAuthorized: '5.7.1',
  AuthRequired: '5.7.0',
  BadCredentials: '5.7.8',
  EncryptionRequiredForMech: '5.7.11',
  TempAuthFailure: '4.7.0',
} as const;
export type EnhancedCode = (typeof Enhanced)[keyof typeof Enhanced] | `${2 | 4 | 5}.${number}.${number}`;
