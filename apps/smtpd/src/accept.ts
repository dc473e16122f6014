// Handing a complete message to the sink: the envelope, the trace header (and Message-ID/Date on submission),
// the one 250 reply after the sink has queued it, and 451 4.3.0 when it could not (nothing half-queued).
import type { SessionContext } from './context.js';
import { assembleMessage } from './message/headers.js';
import { protocolName, receivedHeader } from './message/received.js';
import type { Envelope } from './ports.js';
import { Enhanced, Reply } from './protocol/codes.js';
import { reply, SmtpReply } from './protocol/reply.js';
import type { Transaction } from './state.js';

/** The envelope of the open transaction. */
export async function buildEnvelope(ctx: SessionContext, tx: Transaction, receivedAt: Date): Promise<Envelope> {
  const { state, client, settings } = ctx;
  const rdns = await client.rdns;
  // RFC 4954 §5: pass on who submitted the message only when that is known: our own login, or a trusted relay's
  // claim; an explicit AUTH=<> (the client does not know the submitter) is passed on as <> whoever logged in.
  const auth = tx.params.auth === null ? null : (state.account ?? (client.trusted ? (tx.params.auth ?? null) : null));
  const envelope: Envelope = {
    id: tx.id,
    mailFrom: tx.from,
    recipients: tx.recipients.map((r) => ({ ...r })),
    body: tx.params.body ?? '7BIT',
    smtputf8: tx.params.smtputf8,
    auth,
    client: { ip: client.ip, port: client.port, helo: state.helo?.name ?? '' },
    listener: settings.mode,
    protocol: protocolName({ esmtp: state.helo?.esmtp ?? false, tls: state.tls !== undefined, authenticated: state.account !== undefined, utf8: tx.params.smtputf8 }),
    receivedAt,
  };
  if (tx.params.ret) envelope.ret = tx.params.ret;
  if (tx.params.envid !== undefined) envelope.envid = tx.params.envid;
  if (tx.params.size !== undefined) envelope.declaredSize = tx.params.size;
  if (rdns) envelope.client.rdns = rdns;
  if (state.tls) envelope.client.tls = state.tls;
  if (state.account) envelope.client.account = state.account;
  return envelope;
}

/** Wraps the body so that its own failure (bad content, client gone) is known apart from the sink's. */
function tracked(body: AsyncIterable<Buffer>): { stream: AsyncIterable<Buffer>; error: () => unknown; finished: () => boolean } {
  let error: unknown;
  let finished = false;
  async function* stream(): AsyncGenerator<Buffer> {
    try {
      for await (const piece of body) yield piece;
      finished = true;
    } catch (err) {
      error = err;
      throw err;
    }
  }
  return { stream: stream(), error: () => error, finished: () => finished };
}

/**
 * Streams the message to the sink. Resolves with `250 2.0.0 Ok: queued as <id>` once the sink has queued it;
 * throws the body's own error (a content reply, or the connection failure), a reply the sink chose, or 451 4.3.0.
 */
export async function acceptMessage(ctx: SessionContext, tx: Transaction, body: AsyncIterable<Buffer>): Promise<SmtpReply> {
  const { state, settings, deps, log } = ctx;
  const now = deps.now();
  const envelope = await buildEnvelope(ctx, tx, now);
  const protocol = envelope.protocol;
  const trace = receivedHeader({
    helo: envelope.client.helo,
    ip: envelope.client.ip,
    rdns: envelope.client.rdns,
    hostname: settings.hostname,
    protocol,
    tls: state.tls,
    id: tx.id,
    recipient: tx.recipients.length === 1 ? tx.recipients[0]?.address : undefined,
    date: now,
  });
  const submission = settings.mode !== 'mx';
  const content = tracked(body);
  let size = 0;
  const counted = (async function* () {
    for await (const piece of assembleMessage(content.stream, { prepend: trace, complete: submission ? { hostname: settings.hostname, date: now } : undefined })) {
      size += piece.length;
      yield piece;
    }
  })();
  let queueId: string;
  try {
    ({ queueId } = await deps.sink.accept(envelope, counted));
  } catch (err) {
    const own = content.error();
    if (own !== undefined) throw own;
    if (err instanceof SmtpReply) throw err;
    log.error({ err, id: tx.id }, 'message not queued');
    throw reply(Reply.LocalError, Enhanced.TempLocalError, 'Error: queue file write error, try again later');
  }
  if (!content.finished()) {
    // A sink that returns without reading everything has a bug; the client must not think all went well.
    log.error({ id: tx.id, queueId }, 'sink returned before the end of the message');
    throw reply(Reply.LocalError, Enhanced.TempLocalError, 'Error: queue file write error, try again later');
  }
  state.messages++;
  log.info({ id: tx.id, queueId, from: envelope.mailFrom || '<>', rcpts: envelope.recipients.length, size, protocol }, 'message queued');
  return reply(Reply.Ok, Enhanced.Ok, `Ok: queued as ${queueId}`);
}
