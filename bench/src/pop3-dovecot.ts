// A throwaway Dovecot POP3 server for side-by-side runs (see dovecot.ts): plaintext POP3 on a loopback port.
import { startDovecot, type DovecotServer, type DovecotUser } from './dovecot.js';

export { canRunDovecot, DOVECOT, handOver, type DovecotUser } from './dovecot.js';

export type DovecotPop3 = DovecotServer;

/** Starts Dovecot's POP3 on `port` with the users given (each Maildir handed over to `nobody`). */
export function startDovecotPop3(dir: string, port: number, users: readonly DovecotUser[]): Promise<DovecotPop3> {
  return startDovecot(dir, port, users, { protocol: 'pop3' });
}
