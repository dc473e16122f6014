// POP3 response codes (RFC 2449 §8, RFC 3206) and the reply status indicators, in one table.

/** Extended response codes sent in brackets after -ERR (and, for some, +OK). */
export const RespCode = {
  /** RFC 3206 §5: the failure is about the credentials the client gave (retry with others). */
  Auth: 'AUTH',
  /** RFC 2449 §8.1.2: the maildrop is locked by another session. */
  InUse: 'IN-USE',
  /** RFC 2449 §8.1.1: the user logged in too recently. */
  LoginDelay: 'LOGIN-DELAY',
  /** RFC 3206 §4: a temporary problem on the server; try again later. */
  SysTemp: 'SYS/TEMP',
  /** RFC 3206 §4: a permanent problem on the server; trying again will not help. */
  SysPerm: 'SYS/PERM',
} as const;
export type RespCode = (typeof RespCode)[keyof typeof RespCode];

export const OK = '+OK';
export const ERR = '-ERR';
export const CRLF = '\r\n';
/** The line that ends a multi-line response (RFC 1939 §3). */
export const TERMINATOR = '.\r\n';
