// Command line → typed command (RFC 9051 §9 command): tag, UID prefix, name, then the syntax family's parser.
import type { CommandUnit } from '../framer.js';
import { ImapParseError } from '../errors.js';
import { isAstringChar } from '../line.js';
import { parseAppend } from './append.js';
import { parseFetch } from './fetch.js';
import { generalParsers } from './general.js';
import { parseList } from './list.js';
import { mailboxParsers } from './mailbox.js';
import { messageParsers } from './message.js';
import { quotaParsers } from './quota.js';
import { END, Reader } from './reader.js';
import { parseSearch } from './search.js';
import type { Command, ParseOptions } from './types.js';

type Parser = (r: Reader, tag: string, uid: boolean) => Command;

const PARSERS: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ...generalParsers,
  ...mailboxParsers,
  ...messageParsers,
  ...quotaParsers,
  ['LIST', parseList],
  ['APPEND', parseAppend],
  ['SEARCH', parseSearch],
  ['FETCH', parseFetch],
]);

/** Commands that take the UID prefix (RFC 9051 §6.4.9, RFC 6851 UID MOVE, RFC 4315 UID EXPUNGE). */
const UID_COMMANDS: ReadonlySet<string> = new Set(['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE']);

/** Names of every command the parser knows, for CAPABILITY-independent checks and tests. */
export const COMMAND_NAMES: readonly string[] = [...PARSERS.keys()];

/**
 * Parses one command unit from the framer. Throws ImapParseError only: with `tag` null when the tag itself is
 * unreadable (answer `* BAD`), otherwise `tag BAD text` (or `tag NO [code] text` when `status` is NO).
 */
export function parseCommand(unit: CommandUnit, options: ParseOptions): Command {
  const r = new Reader(unit, options);
  try {
    const first = r.peek();
    if (first === END || !isAstringChar(first) || first === 0x2b) r.fail('Invalid tag');
    const tagText = r.token((b) => isAstringChar(b) && b !== 0x2b, 'tag');
    if (r.peek() !== 0x20 && !r.atEnd()) r.fail('Invalid tag');
    r.tag = tagText;
    r.sp();
    let name = r.token((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a), 'command name').toUpperCase();
    let uid = false;
    if (name === 'UID') {
      r.command = 'UID';
      r.sp();
      name = r.token((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a), 'command name').toUpperCase();
      if (!UID_COMMANDS.has(name)) r.fail('Unknown UID command');
      uid = true;
      r.command = `UID ${name}`;
    } else {
      r.command = name;
    }
    const parse = PARSERS.get(name);
    if (!parse || (r.peek() !== 0x20 && !r.atEnd())) return r.fail('Unknown command');
    const command = parse(r, r.tag, uid);
    r.end();
    return command;
  } catch (err) {
    throw err instanceof ImapParseError ? err.withContext(r.tag, r.command) : err;
  }
}
