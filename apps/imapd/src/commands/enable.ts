// RFC 5161 ENABLE (RFC 9051 §6.3.1): IMAP4rev2, UTF8=ACCEPT (RFC 6855) and CONDSTORE (RFC 7162); answers
// `* ENABLED` with what was newly turned on. UTF-8 mailbox names take effect at once.
import { ENABLEABLE } from '../capabilities.js';
import type { CommandModule } from '../context.js';

export const enable: CommandModule<'ENABLE'> = {
  name: 'ENABLE',
  states: ['Auth', 'Selected'],
  async handle(session, command) {
    const turnedOn: string[] = [];
    for (const cap of command.capabilities) {
      const upper = cap.toUpperCase();
      if (!ENABLEABLE.has(upper) || session.enabled.has(upper)) continue;
      session.enabled.add(upper);
      turnedOn.push(upper === 'IMAP4REV2' ? 'IMAP4rev2' : upper);
    }
    if (session.enabled.has('IMAP4REV2') || session.enabled.has('UTF8=ACCEPT')) session.conn.utf8 = true;
    await session.send({ type: 'ENABLED', capabilities: turnedOn });
  },
};
