// One SMTP session: the optional pregreet wait, the 220 banner, then command lines through the dispatcher until
// QUIT, an error limit, a timeout or the client leaving. Whatever happens, an open transaction is abandoned.
import type { Logger } from '@mail/log';
import { Connection, ConnectionClosedError, ReadTimeoutError, ShutdownError } from './connection.js';
import type { ClientEndpoint, SessionContext, SessionDeps, SessionSettings } from './context.js';
import { dispatch } from './dispatch.js';
import { MAX_COMMAND_LINE } from './commands/index.js';
import { Enhanced, Reply } from './protocol/codes.js';
import { reply } from './protocol/reply.js';
import { SessionState } from './state.js';
import type { TlsInfo } from './ports.js';
import type { Socket } from 'node:net';

export interface SessionOptions {
  settings: SessionSettings;
  deps: SessionDeps;
  client: ClientEndpoint;
  log: Logger;
  /** Set for implicit TLS: the handshake is already done. */
  tls?: TlsInfo;
  /** Called with the connection once it exists, so that the server can shut it down. */
  onConnection?: (conn: Connection) => void;
}

/** Runs a session on a connected socket until it ends; never throws. */
export async function runSession(socket: Socket, options: SessionOptions): Promise<void> {
  const { settings, log } = options;
  const conn = new Connection(socket, { maxLine: MAX_COMMAND_LINE, timeoutMs: settings.commandTimeout });
  const state = new SessionState(options.tls);
  options.onConnection?.(conn);
  const ctx: SessionContext = { settings, deps: options.deps, client: options.client, conn, state, log };
  const started = Date.now();
  try {
    if (settings.greetDelay > 0 && !(await conn.quietFor(settings.greetDelay))) {
      log.info('client talked before the greeting; dropped');
      conn.write(reply(Reply.TransactionFailed, Enhanced.BadCommandOrSequence, `${settings.hostname} Error: SMTP protocol synchronization`));
      return;
    }
    conn.write(reply(Reply.ServiceReady, undefined, `${settings.hostname} ${settings.banner}`));
    for (;;) {
      const line = await conn.readLine();
      if ((await dispatch(ctx, line)) === 'close') break;
    }
  } catch (err) {
    if (err instanceof ReadTimeoutError) {
      log.info('timeout; closing');
      conn.write(reply(Reply.ServiceNotAvailable, Enhanced.TimeoutExceeded, `${settings.hostname} Error: timeout exceeded`));
    } else if (err instanceof ShutdownError) {
      conn.write(reply(Reply.ServiceNotAvailable, Enhanced.SystemNotAccepting, `${settings.hostname} Service shutting down, closing connection`));
    } else if (err instanceof ConnectionClosedError) {
      if (err.cause) log.info({ err: err.cause }, 'connection lost');
      else log.debug('client went away');
    } else {
      log.error({ err }, 'session failed');
      conn.write(reply(Reply.ServiceNotAvailable, Enhanced.TempLocalError, `${settings.hostname} Error: local error, closing connection`));
    }
  } finally {
    state.reset('connection closed');
    await conn.close();
    log.info({ messages: state.messages, errors: state.errors, ms: Date.now() - started }, 'disconnect');
  }
}
