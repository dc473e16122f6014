// The command table: every command imapd runs, by name (UID variants share their command's module).
import type { AnyCommand } from '../context.js';
import type { CommandName } from '../protocol/index.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { close, unselect } from './close.js';
import { copy, move } from './copy.js';
import { create } from './create.js';
import { deleteMailbox } from './delete.js';
import { enable } from './enable.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch/index.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list, lsub } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { namespace } from './namespace.js';
import { check, noop } from './noop.js';
import { getquota, getquotaroot, setquota } from './quota.js';
import { rename } from './rename.js';
import { search } from './search/index.js';
import { examine, select } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store } from './store.js';
import { subscribe, unsubscribe } from './subscribe.js';

const modules = [
  capability,
  noop,
  logout,
  starttls,
  login,
  authenticate,
  enable,
  id,
  select,
  examine,
  create,
  deleteMailbox,
  rename,
  subscribe,
  unsubscribe,
  list,
  lsub,
  namespace,
  status,
  append,
  check,
  close,
  unselect,
  expunge,
  idle,
  fetch,
  store,
  copy,
  move,
  search,
  getquota,
  getquotaroot,
  setquota,
] as unknown as AnyCommand[];

export const COMMANDS: ReadonlyMap<CommandName, AnyCommand> = new Map(modules.map((m) => [m.name, m]));
