// Command lines (RFC 5321 §4.1.1): bytes → text, verb and argument text, and the argument grammars of the
// commands that have one (MAIL, RCPT, BDAT, AUTH, HELO/EHLO). Pure: no I/O, no session state.
import { AddressSyntaxError, normalizeDomain, parsePath, type Path, type ReversePath } from './address.js';
import { ParamError, splitParams, type EsmtpParam } from './params.js';
import { isIPv4, isIPv6 } from 'node:net';

/** Why a command line could not be read as text. */
export type LineProblem = 'control' | 'utf8';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a command line (without its CRLF). Control characters (NUL, bare CR, bare LF, DEL...) are refused, and
 * so are invalid UTF-8 sequences; non-ASCII text is otherwise allowed (RFC 6531), each command decides where.
 */
export function decodeCommandLine(bytes: Uint8Array): { text: string } | { problem: LineProblem } {
  for (const b of bytes) if (b < 0x20 || b === 0x7f) return { problem: 'control' };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { problem: 'utf8' };
  }
}

export interface CommandLine {
  /** Upper-case verb, or '' when the line does not start with one. */
  verb: string;
  /** Everything after the verb and one space. */
  args: string;
}

/** `VERB[ args]`: the verb is 1*ALPHA; anything else yields verb ''. */
export function splitCommand(line: string): CommandLine {
  const m = /^([A-Za-z]+)(?: (.*))?$/s.exec(line);
  if (!m) return { verb: '', args: line };
  return { verb: (m[1] as string).toUpperCase(), args: m[2] ?? '' };
}

/** A problem with a command's arguments; the command maps it to a reply. */
export class ArgumentError extends Error {
  constructor(
    readonly kind: 'address' | 'param-syntax' | 'param-unknown' | 'syntax',
    message: string,
  ) {
    super(message);
    this.name = 'ArgumentError';
  }
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AddressSyntaxError) throw new ArgumentError('address', err.message);
    if (err instanceof ParamError) throw new ArgumentError(err.kind === 'unknown' ? 'param-unknown' : 'param-syntax', err.message);
    throw err;
  }
}

function parsePathWithParams(args: string, keyword: 'FROM' | 'TO', options: Parameters<typeof parsePath>[2]): { path: ReversePath; params: EsmtpParam[] } {
  const m = new RegExp(`^${keyword}: *`, 'i').exec(args);
  if (!m) throw new ArgumentError('syntax', `expected ${keyword}:<address>`);
  const { path, end } = wrap(() => parsePath(args, m[0].length, options));
  const rest = args.slice(end);
  if (rest !== '' && !rest.startsWith(' ')) throw new ArgumentError('address', 'text after the address');
  return { path, params: wrap(() => splitParams(rest)) };
}

/** `FROM:<reverse-path> [params]` (a space after the colon is tolerated, as by most servers). */
export function parseMailArgs(args: string): { path: ReversePath; params: EsmtpParam[] } {
  return parsePathWithParams(args, 'FROM', { allowNull: true });
}

/** `TO:<forward-path> [params]`; `<Postmaster>` without a domain means postmaster at `hostname`. */
export function parseRcptArgs(args: string, hostname: string): { path: Path; params: EsmtpParam[] } {
  const r = parsePathWithParams(args, 'TO', { postmasterDomain: hostname });
  return r as { path: Path; params: EsmtpParam[] };
}

/** RFC 3030 §3: `BDAT chunk-size [ SP end-marker ]`, chunk-size = 1*DIGIT, end-marker = "LAST". */
export function parseBdatArgs(args: string): { size: number; last: boolean } {
  const m = /^(\d{1,15})(?: +(LAST))? *$/i.exec(args);
  if (!m) throw new ArgumentError('syntax', 'expected BDAT <size> [LAST]');
  return { size: Number(m[1]), last: m[2] !== undefined };
}

/** RFC 4954 §4: `AUTH mechanism [SP initial-response]`; the response is base64 or "=" for empty. */
export function parseAuthArgs(args: string): { mechanism: string; initial?: string } {
  const m = /^([A-Za-z0-9_-]{1,20})(?: (\S+))?$/.exec(args);
  if (!m) throw new ArgumentError('syntax', 'expected AUTH <mechanism> [initial-response]');
  const out: { mechanism: string; initial?: string } = { mechanism: (m[1] as string).toUpperCase() };
  if (m[2] !== undefined) out.initial = m[2];
  return out;
}

/**
 * RFC 5321 §4.1.1.1: `EHLO domain / address-literal`. Like Postfix's reject_invalid_helo_hostname, underscores
 * and a trailing dot are tolerated (common on real clients); spaces, controls and empty names are not.
 */
export function parseHeloArgs(args: string): string {
  const name = args.trim();
  if (name === '') throw new ArgumentError('syntax', 'a host name is required');
  if (name.startsWith('[') && name.endsWith(']')) {
    const inner = name.slice(1, -1);
    if (isIPv4(inner) || (/^ipv6:/i.test(inner) && isIPv6(inner.slice(5)))) return name;
    throw new ArgumentError('syntax', 'invalid address literal');
  }
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (normalizeDomain(bare.replace(/_/g, 'u')) === undefined) throw new ArgumentError('syntax', 'invalid host name');
  return name;
}
