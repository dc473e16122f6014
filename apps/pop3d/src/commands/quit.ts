// RFC 1939 §4, §6 QUIT: in AUTHORIZATION just closes; in TRANSACTION enters UPDATE, removes the messages marked
// as deleted, then closes. -ERR when the removal failed, with every message still in place.
import { BOTH, command } from '../context.js';
import { noArguments } from '../protocol/command.js';
import { RespCode } from '../protocol/codes.js';
import { ok, Pop3Error } from '../protocol/reply.js';

export default command<void>({
  name: 'QUIT',
  states: BOTH,
  parse: noArguments,
  async handle(ctx) {
    const { state } = ctx;
    const maildrop = state.maildrop;
    if (state.phase !== 'TRANSACTION' || !maildrop) return ok('Logging out.', { after: 'close' });
    state.phase = 'UPDATE';
    const marked = maildrop.marked;
    const lock = state.lock;
    if (marked > 0 && lock && !(await lock.verify())) {
      ctx.log.warn({ marked }, 'mailbox lock lost before the update; nothing deleted');
      throw new Pop3Error('The mailbox lock was lost; no messages were deleted.', { code: RespCode.SysTemp, after: 'close' });
    }
    let result;
    try {
      result = await maildrop.update();
    } catch (err) {
      ctx.log.error({ err, marked }, 'update failed');
      throw new Pop3Error('Some deleted messages were not removed; try again later.', { code: RespCode.SysTemp, after: 'close' });
    }
    state.maildrop = null;
    // Free the mailbox before saying goodbye: a client that reconnects at once must not get [IN-USE].
    await lock?.release();
    state.lock = null;
    ctx.log.info({ deleted: result.deleted, missing: result.missing }, 'update done');
    if (result.deleted === 0) return ok('Logging out.', { after: 'close' });
    return ok(`Logging out, ${result.deleted} messages deleted.`, { after: 'close' });
  },
});
