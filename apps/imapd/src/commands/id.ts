// RFC 2971 ID: logs what the client says about itself (bounded) and names the server.
import type { CommandModule } from '../context.js';

export const id: CommandModule<'ID'> = {
  name: 'ID',
  states: ['NotAuth', 'Auth', 'Selected'],
  async handle(session, command) {
    if (command.params) {
      const fields = Object.fromEntries(command.params.slice(0, 30).map(([k, v]) => [k.slice(0, 30).toLowerCase(), v === null ? null : v.slice(0, 256)]));
      session.log.info({ id: fields }, 'client id');
    }
    await session.send({ type: 'ID', params: [['name', 'mail-imapd']] });
  },
};
