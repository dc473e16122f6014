// RFC 3030 §3 BDAT chunk-size [LAST]: the message in counted chunks, without dot-stuffing. The chunk is always
// read in full (the dispatcher drains what a refused command leaves), so its octets can never become commands.
// After a failed chunk the transaction is over; later chunks get 503 until a new MAIL.
import { acceptMessage } from '../accept.js';
import { BodyGuard, messageTooBig } from '../message/guard.js';
import { MessagePipe, PipeClosedError } from '../message/pipe.js';
import { Enhanced, Reply } from '../protocol/codes.js';
import { ArgumentError, parseBdatArgs } from '../protocol/command.js';
import { reply, SmtpReply } from '../protocol/reply.js';
import type { ChunkedBody } from '../state.js';
import type { SessionContext } from '../context.js';
import { defineCommand, phases, sequenceError } from './types.js';

function parse(args: string): { size: number; last: boolean } {
  try {
    return parseBdatArgs(args);
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    // The chunk's length is unknown, so the rest of the stream cannot be told apart from commands: hang up.
    throw reply(Reply.ParamSyntaxError, Enhanced.InvalidParams, 'Syntax: BDAT <size> [LAST]; closing connection', { close: true });
  }
}

/** Starts the sink reading the chunked message as one stream. */
function open(ctx: SessionContext): ChunkedBody {
  const tx = ctx.state.tx!;
  const pipe = new MessagePipe();
  const guard = new BodyGuard(ctx.settings.messageSize, tx.params.body === 'BINARYMIME');
  const outcome = acceptMessage(ctx, tx, pipe).then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
  return { pipe, guard, outcome };
}

/** The reply for a sink that stopped reading or failed. */
async function sinkFailure(body: ChunkedBody): Promise<SmtpReply> {
  const result = await body.outcome;
  if ('error' in result && result.error instanceof SmtpReply) return result.error;
  return reply(Reply.LocalError, Enhanced.TempLocalError, 'Error: queue file write error, try again later');
}

export const bdat = defineCommand<{ size: number; last: boolean }>({
  name: 'BDAT',
  states: phases('rcpt', 'bdat'),
  wrongPhase: (phase) => sequenceError(phase, 'BDAT'),
  payload: (args) => parse(args).size,
  parse,
  async handle(ctx, { size, last }, payload) {
    const { state } = ctx;
    const tx = state.tx!;
    tx.chunked ??= open(ctx);
    const body = tx.chunked;
    try {
      if (body.guard.received + size > ctx.settings.messageSize) throw messageTooBig();
      for await (const piece of payload!) {
        const problem = body.guard.feed(piece);
        if (problem) throw problem;
        try {
          await body.pipe.write(piece);
        } catch (err) {
          if (err instanceof PipeClosedError) throw await sinkFailure(body);
          throw err;
        }
      }
      if (!last) return reply(Reply.Ok, Enhanced.Ok, `Ok: ${size} octets received`);
      const problem = body.guard.finish();
      if (problem) throw problem;
      body.pipe.end();
      const result = await body.outcome;
      if ('error' in result) throw result.error;
      state.reset('end of BDAT LAST');
      return result.ok;
    } catch (err) {
      // Any failure ends the transaction: the sink is told to drop what it has (RFC 3030: the state is reset).
      state.reset('BDAT failed');
      await body.outcome;
      throw err;
    }
  },
  logArgs: ({ size, last }) => ({ size, last }),
});
