// RFC 9051 §6.3.7 SUBSCRIBE and §6.3.8 UNSUBSCRIBE mailbox.
import type { CommandModule } from '../context.js';

export const subscribe: CommandModule<'SUBSCRIBE'> = {
  name: 'SUBSCRIBE',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    await session.mail.subscribe(command.mailbox);
  },
};

export const unsubscribe: CommandModule<'UNSUBSCRIBE'> = {
  name: 'UNSUBSCRIBE',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    await session.mail.unsubscribe(command.mailbox);
  },
};
