// Command lines (RFC 1939 §3): a case-insensitive keyword, then arguments separated by single spaces; and the
// argument parsers of each command. Pure functions: text in, typed values out, Pop3Error for bad input.
import { syntaxError } from './reply.js';

export interface CommandLine {
  /** The keyword in upper case. */
  name: string;
  /** Everything after the space that follows the keyword, unchanged (PASS keeps spaces in passwords). */
  args: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Longest argument accepted where RFC 1939 says 40 characters; generous for long addresses. */
export const MAX_ARGUMENT = 512;

/** Splits a command line; the keyword must be letters (the parser knows nothing of which ones exist). */
export function splitCommandLine(bytes: Buffer): CommandLine {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw syntaxError('Invalid characters in the command line.');
  }
  if (CONTROL.test(text)) throw syntaxError('Invalid characters in the command line.');
  const space = text.indexOf(' ');
  const keyword = space < 0 ? text : text.slice(0, space);
  if (!/^[A-Za-z]{1,16}$/.test(keyword)) throw syntaxError(keyword === '' ? 'Empty command.' : 'Unknown command.');
  return { name: keyword.toUpperCase(), args: space < 0 ? '' : text.slice(space + 1) };
}

/** Arguments split at spaces, ignoring a trailing space or tab that some clients send. */
function words(args: string): string[] {
  const trimmed = args.replace(/[ \t]+$/, '');
  return trimmed === '' ? [] : trimmed.split(/ +/);
}

export function noArguments(args: string): void {
  if (words(args).length > 0) throw syntaxError('No arguments allowed.');
}

/** A message number (1-based); 0 or a number beyond the maildrop is refused later, by the maildrop. */
export function messageNumber(word: string | undefined): number {
  if (word === undefined) throw syntaxError('Message number expected.');
  if (!/^[0-9]{1,15}$/.test(word)) throw syntaxError(`Invalid message number: ${word.slice(0, 20)}`);
  return Number(word);
}

/** LIST and UIDL: `[msg]`. */
export function optionalMessageNumber(args: string): number | undefined {
  const w = words(args);
  if (w.length > 1) throw syntaxError('Too many arguments.');
  return w.length === 0 ? undefined : messageNumber(w[0]);
}

/** RETR and DELE: `msg`. */
export function requiredMessageNumber(args: string): number {
  const w = words(args);
  if (w.length !== 1) throw syntaxError(w.length === 0 ? 'Message number expected.' : 'Too many arguments.');
  return messageNumber(w[0]);
}

/** TOP: `msg n`, n lines of the body (0 or more). */
export function topArguments(args: string): { msg: number; lines: number } {
  const w = words(args);
  if (w.length !== 2) throw syntaxError('Usage: TOP <message> <lines>.');
  const msg = messageNumber(w[0]);
  const n = w[1] as string;
  if (!/^[0-9]{1,15}$/.test(n)) throw syntaxError(`Invalid line count: ${n.slice(0, 20)}`);
  return { msg, lines: Number(n) };
}

/** USER: `name`; a name with spaces is accepted as given, one leading/trailing blank dropped. */
export function userArgument(args: string): string {
  const name = args.trim();
  if (name === '') throw syntaxError('User name expected.');
  if (Buffer.byteLength(name) > MAX_ARGUMENT) throw syntaxError('User name too long.');
  return name;
}

/** PASS: the rest of the line is the password, spaces included (RFC 1939 §7). */
export function passArgument(args: string): string {
  if (args === '') throw syntaxError('Password expected.');
  return args;
}

/** APOP: `name digest`, the digest 32 hexadecimal digits; the name may contain spaces (the digest is the last word). */
export function apopArguments(args: string): { user: string; digest: string } {
  const text = args.trim();
  const space = text.lastIndexOf(' ');
  if (space <= 0) throw syntaxError('Usage: APOP <name> <digest>.');
  const user = text.slice(0, space).trim();
  const digest = text.slice(space + 1);
  if (!/^[0-9a-fA-F]{32}$/.test(digest)) throw syntaxError('The digest must be 32 hexadecimal digits.');
  if (Buffer.byteLength(user) > MAX_ARGUMENT) throw syntaxError('User name too long.');
  return { user, digest: digest.toLowerCase() };
}

/** AUTH (RFC 5034 §4): no argument lists the mechanisms; `mechanism [initial-response]` starts an exchange. */
export function authArguments(args: string): { mechanism?: string; initial?: string } {
  const w = words(args);
  if (w.length === 0) return {};
  if (w.length > 2) throw syntaxError('Usage: AUTH <mechanism> [<initial-response>].');
  const mechanism = (w[0] as string).toUpperCase();
  if (!/^[A-Z0-9_-]{1,20}$/.test(mechanism)) throw syntaxError('Invalid mechanism name.');
  return w.length === 2 ? { mechanism, initial: w[1] as string } : { mechanism };
}
