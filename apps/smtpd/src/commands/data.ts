// RFC 5321 §4.1.1.4 DATA: 354, then the body up to <CRLF>.<CRLF> with dot-stuffing removed. Only that exact
// sequence ends the body; bare CR or LF anywhere rejects the whole message after its end (anti-smuggling).
import { acceptMessage } from '../accept.js';
import { BodyGuard } from '../message/guard.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { reply, SmtpReply } from '../protocol/reply.js';
import { defineCommand, noArguments, phases, sequenceError } from './types.js';

/** The body, failing with the guard's reply at the first violation and before the sink sees the end. */
async function* guarded(source: AsyncIterable<Buffer>, guard: BodyGuard): AsyncGenerator<Buffer> {
  for await (const piece of source) {
    const problem = guard.feed(piece);
    if (problem) throw problem;
    yield piece;
  }
  const problem = guard.finish();
  if (problem) throw problem;
}

export const data = defineCommand<void>({
  name: 'DATA',
  states: phases('rcpt'),
  wrongPhase: (phase) => (phase === 'bdat' ? reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, 'Error: DATA not allowed after BDAT (RFC 3030)') : sequenceError(phase, 'DATA')),
  parse: noArguments('DATA'),
  async handle(ctx) {
    const { state, conn, settings } = ctx;
    const tx = state.tx!;
    if (tx.params.body === 'BINARYMIME') {
      return reply(Reply.BadSequence, Enhanced.BadCommandOrSequence, 'Error: BODY=BINARYMIME needs BDAT, not DATA (RFC 3030)');
    }
    conn.write(reply(Reply.StartMailInput, undefined, 'End data with <CR><LF>.<CR><LF>'));
    await conn.flush();
    conn.beginData();
    try {
      return await acceptMessage(ctx, tx, guarded(conn.readData(), new BodyGuard(settings.messageSize, false)));
    } catch (err) {
      // The message is refused: read the rest of it, so that its lines are never taken for commands.
      if (err instanceof SmtpReply) await conn.finishData();
      throw err;
    } finally {
      state.reset('end of DATA');
    }
  },
});
