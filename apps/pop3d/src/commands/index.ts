// The command table: every POP3 command this server knows, by keyword, in an explicit Map.
import type { Pop3Command } from '../context.js';
import apop from './apop.js';
import auth from './auth.js';
import capa from './capa.js';
import dele from './dele.js';
import list from './list.js';
import noop from './noop.js';
import pass from './pass.js';
import quit from './quit.js';
import retr from './retr.js';
import rset from './rset.js';
import stat from './stat.js';
import stls from './stls.js';
import top from './top.js';
import uidl from './uidl.js';
import user from './user.js';

const all = [user, pass, apop, auth, capa, stls, stat, list, retr, dele, noop, rset, quit, top, uidl] as Pop3Command<unknown>[];

export const COMMANDS: ReadonlyMap<string, Pop3Command<unknown>> = new Map(all.map((c) => [c.name, c]));
