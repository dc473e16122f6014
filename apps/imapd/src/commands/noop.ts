// RFC 9051 §6.1.2 NOOP and §6.4.1 CHECK (RFC 3501): nothing to do but report mailbox changes, which the
// dispatcher does after every command.
import type { CommandModule } from '../context.js';

export const noop: CommandModule<'NOOP'> = {
  name: 'NOOP',
  states: ['NotAuth', 'Auth', 'Selected'],
  async handle(session) {
    if (session.selected) session.selected.dirty = true;
  },
};

export const check: CommandModule<'CHECK'> = {
  name: 'CHECK',
  states: ['Selected'],
  async handle(session) {
    if (session.selected) session.selected.dirty = true;
  },
};
