// RFC 2177 / RFC 9051 §6.3.13 IDLE: `+ idling`, then changes to the selected mailbox are sent as they happen
// (EXPUNGE included) until the client sends DONE; limits.idleTimeout ends a silent session with BYE.
import type { CommandModule } from '../context.js';
import { ImapBad } from '../errors.js';
import { isIdleDone } from '../protocol/index.js';

export const idle: CommandModule<'IDLE'> = {
  name: 'IDLE',
  states: ['Auth', 'Selected'],
  async handle(session) {
    await session.send({ type: 'continue', text: 'idling' });
    await session.reportChanges(true);
    for (;;) {
      const line = await session.readLine(true);
      if (line === 'wake') {
        await session.reportChanges(true);
        continue;
      }
      if (isIdleDone(line)) return { text: 'IDLE terminated' };
      throw new ImapBad(null, 'Expected DONE');
    }
  },
};
