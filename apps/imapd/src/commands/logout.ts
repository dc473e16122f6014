// RFC 9051 §6.1.3 LOGOUT: untagged BYE, then the tagged OK, then the connection closes.
import type { CommandModule } from '../context.js';

export const logout: CommandModule<'LOGOUT'> = {
  name: 'LOGOUT',
  states: ['NotAuth', 'Auth', 'Selected'],
  async handle(session) {
    await session.send({ type: 'untagged', status: 'BYE', text: 'Logging out' });
    session.selected = null;
    session.logout();
  },
};
