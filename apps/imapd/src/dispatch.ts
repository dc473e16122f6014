// The command table and the one place that runs a command: state check, handler, error → reply mapping with
// logging of unexpected failures, unsolicited mailbox updates at the command boundary, and the tagged reply.
import type { AnyCommand, ImapState } from './context.js';
import { ConnectionClosedError, IdleTimeoutError, ShutdownError } from './connection.js';
import { toCompletion } from './errors.js';
import { COMMANDS } from './commands/index.js';
import type { Command } from './protocol/index.js';
import { EndSession, type Session } from './session.js';

const STATE_TEXT: Record<ImapState, string> = {
  NotAuth: 'Command not allowed before login',
  Auth: 'No mailbox selected',
  Selected: 'Command not allowed with a mailbox selected',
  Logout: 'Logging out',
};

/** RFC 9051 §7.5.1: no EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms may see them). */
function mayExpunge(command: Command): boolean {
  if (command.name === 'FETCH' || command.name === 'STORE' || command.name === 'SEARCH') return command.uid;
  return true;
}

export async function dispatch(session: Session, command: Command): Promise<void> {
  const module: AnyCommand | undefined = COMMANDS.get(command.name);
  if (!module) {
    await session.send({ type: 'tagged', tag: command.tag, status: 'BAD', text: 'Unknown command' });
    await session.countBad();
    return;
  }
  if (!module.states.includes(session.state)) {
    await session.send({ type: 'tagged', tag: command.tag, status: 'BAD', text: STATE_TEXT[session.state] });
    await session.countBad();
    return;
  }
  const started = Date.now();
  try {
    const done = (await module.handle(session, command)) ?? {};
    if (done.silent) return;
    if (session.selected && session.state === 'Selected') await session.reportChanges(mayExpunge(command));
    await session.send({ type: 'tagged', tag: command.tag, status: 'OK', ...(done.code ? { code: done.code } : {}), text: done.text ?? `${command.name} completed` });
  } catch (err) {
    if (err instanceof EndSession || err instanceof ConnectionClosedError || err instanceof IdleTimeoutError || err instanceof ShutdownError) throw err;
    const reply = toCompletion(err);
    if (reply.unexpected) session.log.error({ err, command: command.name, tag: command.tag, ms: Date.now() - started }, 'command failed');
    else session.log.debug({ command: command.name, status: reply.status, text: reply.text }, 'command refused');
    if (session.selected && session.state === 'Selected') await session.reportChanges(mayExpunge(command)).catch(() => undefined);
    await session.send({ type: 'tagged', tag: command.tag, status: reply.status, ...(reply.code ? { code: reply.code } : {}), text: reply.text });
    if (reply.status === 'BAD') await session.countBad();
  }
}
