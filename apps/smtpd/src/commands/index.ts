// The command table: verb → module, an explicit Map (never a lookup by built-up names).
import { auth } from './auth.js';
import { bdat } from './bdat.js';
import { data } from './data.js';
import { ehlo } from './ehlo.js';
import { expn } from './expn.js';
import { help } from './help.js';
import { helo } from './helo.js';
import { mail } from './mail.js';
import { noop } from './noop.js';
import { quit } from './quit.js';
import { rcpt } from './rcpt.js';
import { rset } from './rset.js';
import { starttls } from './starttls.js';
import type { AnyCommand } from './types.js';
import { vrfy } from './vrfy.js';

export const COMMANDS: ReadonlyMap<string, AnyCommand> = new Map(
  [helo, ehlo, mail, rcpt, data, bdat, rset, noop, quit, vrfy, expn, help, starttls, auth].map((c) => [c.name, c]),
);

/** Commands of other SMTP variants this server knows of but does not offer (502, RFC 5321 §4.2.4). */
export const NOT_IMPLEMENTED: ReadonlySet<string> = new Set(['SEND', 'SOML', 'SAML', 'TURN', 'ETRN', 'ATRN', 'VERB', 'XCLIENT', 'XFORWARD', 'XEXCH50', 'LHLO']);

/** Other protocols spoken at an SMTP port (Postfix smtpd_forbidden_commands): answered once, then the connection is closed. */
export const FORBIDDEN: ReadonlySet<string> = new Set(['GET', 'POST', 'HEAD', 'PUT', 'CONNECT', 'OPTIONS', 'USER', 'PASS']);

/** The longest line any command accepts: the framer's limit. */
export const MAX_COMMAND_LINE = Math.max(...[...COMMANDS.values()].map((c) => c.maxLine ?? 0));
