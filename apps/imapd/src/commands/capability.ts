// RFC 9051 §6.1.1 CAPABILITY
import type { CommandModule } from '../context.js';

export const capability: CommandModule<'CAPABILITY'> = {
  name: 'CAPABILITY',
  states: ['NotAuth', 'Auth', 'Selected'],
  async handle(session) {
    await session.send({ type: 'CAPABILITY', capabilities: session.capabilities() });
  },
};
