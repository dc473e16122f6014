// Stores a message in @mail/queue's spool under an id chosen beforehand (smtpd's queue id, already written into the
// Received: header), following the spool's write protocol: chunks pushed with a pending expiry, then the commit
// script that checks the chunk count, writes the metadata and indexes the id. Spool.put() picks its own id.
import type { Spool } from '@mail/queue';

/** Chunks written at once; commands on one connection arrive in order and the commit checks the count. */
const WRITE_WINDOW = 4;
/** A write that dies half way leaves chunks that expire after this long (the id was never handed out). */
const PENDING_TTL_MS = 3_600_000;

type CommitFn = (meta: string, data: string, index: string, released: string, id: string, size: number, chunks: number, refs: number, now: number) => Promise<unknown>;

function checkExec(results: Array<[Error | null, unknown]> | null): void {
  if (!results) throw new Error('redis transaction aborted');
  for (const [err] of results) if (err) throw err;
}

/** Reads `source` to its end into the spool under `id` with `refs` references; resolves with the size once committed. */
export async function spoolWithId(spool: Spool, id: string, source: AsyncIterable<Buffer>, refs: number): Promise<number> {
  const client = spool.client;
  const commit = (client as unknown as { mailSpoolCommit?: CommitFn }).mailSpoolCommit;
  if (typeof commit !== 'function') throw new Error('the spool commit script is not registered on this connection');
  const data = spool.dataKey(id);
  let size = 0;
  let chunks = 0;
  let pending: Buffer[] = [];
  let pendingLength = 0;
  const inFlight = new Set<Promise<void>>();
  let writeError: unknown;
  const flush = async (chunk: Buffer): Promise<void> => {
    chunks += 1;
    const p = client
      .multi()
      .rpush(data, chunk)
      .pexpire(data, PENDING_TTL_MS)
      .exec()
      .then(checkExec)
      .catch((err: unknown) => {
        writeError ??= err;
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= WRITE_WINDOW) await Promise.race(inFlight);
    if (writeError) throw writeError;
  };
  try {
    for await (const piece of source) {
      let buf = piece;
      size += buf.length;
      while (buf.length > 0) {
        const take = Math.min(buf.length, spool.chunkSize - pendingLength);
        pending.push(buf.subarray(0, take));
        pendingLength += take;
        buf = buf.subarray(take);
        if (pendingLength === spool.chunkSize) {
          const chunk = Buffer.concat(pending, pendingLength);
          pending = [];
          pendingLength = 0;
          await flush(chunk);
        }
      }
    }
    if (pendingLength > 0) await flush(Buffer.concat(pending, pendingLength));
    // The commit goes out behind the last writes without waiting for them (one round trip, and one fsync with
    // appendfsync always, fewer): it runs after them on this connection and fails unless every chunk arrived.
    const committed = commit
      .call(client, spool.metaKey(id), data, spool.indexKey(), spool.releasedKey(id), id, size, chunks, refs, Date.now())
      .then(
        () => null,
        (err: unknown) => ({ err }),
      );
    await Promise.all(inFlight);
    const failed = await committed;
    if (failed) throw writeError ?? failed.err;
    return size;
  } catch (err) {
    await Promise.all(inFlight);
    await client.del(data).catch(() => undefined);
    throw err;
  }
}
