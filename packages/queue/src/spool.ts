// The message spool in Redis: each message body is stored once, in chunks, and deleted when its last job releases it.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { QueueError, SpoolIdInvalidError, SpoolIdTakenError, SpoolNotFoundError, SpoolTooLargeError } from './errors.js';
import type { RedisClient } from './redis.js';
import { SpoolId } from './schemas.js';
import { newSpoolId } from './spool-id.js';
import { ABORT, CLAIM, COMMIT, DISCARD, PUT_WHOLE, RELEASE, RETAIN, SWEEP } from './spool-scripts.js';

/** Chunk size of stored messages: large enough for few round trips, small enough never to build a huge command. */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
/** A put that dies half way leaves data (and its claim on a caller-chosen id) that expires after this much inactivity. */
const PENDING_TTL_MS = 3_600_000;
/** Chunks written at once while storing. */
const WRITE_WINDOW = 4;
/** Chunks fetched per LRANGE while reading. */
const READ_BATCH = 4;

export interface SpoolOptions {
  /** The suite's key prefix, `{mail}` (see keyPrefix()). */
  prefix: string;
  chunkSize?: number;
}

export interface PutOptions {
  /** How many jobs will reference the message (each releases it once). */
  refs: number;
  /** Refuse messages larger than this (SpoolTooLargeError); nothing is kept. */
  maxSize?: number;
  /**
   * Store under this id instead of a new one (e.g. a queue id already written into a Received: header). It must be
   * a spool id as newSpoolId() makes them (SpoolIdInvalidError), and neither stored nor being stored (SpoolIdTakenError).
   */
  id?: string;
}

export interface SpoolEntryInfo {
  id: string;
  size: number;
  refs: number;
  created: Date;
  touched: Date;
}

type ScriptFn = (...args: Array<string | number | Buffer>) => Promise<unknown>;
const SCRIPTS = {
  mailSpoolClaim: CLAIM,
  mailSpoolAbort: ABORT,
  mailSpoolCommit: COMMIT,
  mailSpoolPutWhole: PUT_WHOLE,
  mailSpoolRelease: RELEASE,
  mailSpoolRetain: RETAIN,
  mailSpoolSweep: SWEEP,
  mailSpoolDiscard: DISCARD,
};
type ScriptName = keyof typeof SCRIPTS;

export class Spool {
  readonly prefix: string;
  readonly chunkSize: number;

  constructor(
    readonly client: RedisClient,
    options: SpoolOptions,
  ) {
    this.prefix = options.prefix;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1024) throw new QueueError('spool chunk size must be at least 1024 bytes');
    const commands = client as unknown as Record<string, unknown>;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (typeof commands[name] !== 'function') client.defineCommand(name, { numberOfKeys: 5, lua });
    }
  }

  /** Key of the entry's metadata hash (size, chunks, refs, created, touched). */
  metaKey(id: string): string {
    return `${this.prefix}:spool:${id}`;
  }
  /** Key of the entry's list of chunks. */
  dataKey(id: string): string {
    return `${this.prefix}:spool:${id}:data`;
  }
  /** Key of the set of holders (job ids) that already released the entry. */
  releasedKey(id: string): string {
    return `${this.prefix}:spool:${id}:released`;
  }
  /** Key holding the token of the writer that reserved a caller-chosen id, until its put commits or fails. */
  claimKey(id: string): string {
    return `${this.prefix}:spool:${id}:writing`;
  }
  /** Key of the sorted set of committed ids by creation time. */
  indexKey(): string {
    return `${this.prefix}:spool-index`;
  }

  private run(name: ScriptName, id: string, ...args: Array<string | number | Buffer>): Promise<unknown> {
    const fn = (this.client as unknown as Record<ScriptName, ScriptFn>)[name].bind(this.client);
    return fn(this.metaKey(id), this.dataKey(id), this.indexKey(), this.releasedKey(id), this.claimKey(id), id, ...args);
  }

  /**
   * Stores a message and returns its id (new, or options.id). The source is read in chunks and each chunk is one
   * RPUSH, so a large message never becomes one huge command; the entry exists (and is readable) only once every
   * chunk has arrived. A caller-chosen id is reserved for this put before its first chunk is written.
   */
  async put(source: Buffer | Uint8Array | Readable | AsyncIterable<Buffer | Uint8Array | string>, options: PutOptions): Promise<string> {
    if (!Number.isInteger(options.refs) || options.refs < 1) throw new QueueError('spool.put needs refs ≥ 1');
    if (options.id !== undefined && !SpoolId.safeParse(options.id).success) throw new SpoolIdInvalidError(options.id);
    const id = options.id ?? newSpoolId();
    const data = this.dataKey(id);
    // A message of one chunk (nearly all mail) is stored by one script once it has been read: one round trip. A
    // longer one is written chunk by chunk; a caller-chosen id is then claimed first, while the source is still
    // being read, and nothing is written before the claim succeeded. An id the spool made itself is unguessable
    // and needs no claim.
    const token = options.id === undefined ? '' : randomBytes(12).toString('base64url');
    let claimed: Promise<void> | undefined;
    const claim = (): Promise<void> | undefined => {
      if (!token || claimed) return claimed;
      claimed = this.claim(id, token);
      claimed.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled meanwhile
      return claimed;
    };
    let size = 0;
    let chunks = 0;
    let pending: Buffer[] = [];
    let pendingLength = 0;
    // Up to WRITE_WINDOW chunks in flight: commands on one connection arrive in order, and the commit
    // checks the chunk count, so a chunk written twice (a resend after a reconnect) fails the put cleanly.
    const inFlight = new Set<Promise<void>>();
    let writeError: unknown;
    const flush = async (chunk: Buffer): Promise<void> => {
      await claim();
      chunks += 1;
      const write = this.client.multi().rpush(data, chunk).pexpire(data, PENDING_TTL_MS);
      if (token) write.pexpire(this.claimKey(id), PENDING_TTL_MS);
      const p = write
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
      const input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array> =
        Buffer.isBuffer(source) || source instanceof Uint8Array ? [source] : source;
      for await (const piece of input) {
        let buf = typeof piece === 'string' ? Buffer.from(piece) : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        size += buf.length;
        if (options.maxSize !== undefined && size > options.maxSize) throw new SpoolTooLargeError(options.maxSize);
        while (buf.length > 0) {
          const take = Math.min(buf.length, this.chunkSize - pendingLength);
          pending.push(buf.subarray(0, take));
          pendingLength += take;
          buf = buf.subarray(take);
          if (pendingLength === this.chunkSize) {
            const chunk = Buffer.concat(pending, pendingLength);
            pending = [];
            pendingLength = 0;
            await flush(chunk);
          }
        }
      }
      if (chunks === 0 && pendingLength > 0) {
        const result = Number(await this.run('mailSpoolPutWhole', id, size, options.refs, Date.now(), Buffer.concat(pending, pendingLength)));
        if (result === 1) throw new SpoolIdTakenError(id, 'exists');
        if (result === 2) throw new SpoolIdTakenError(id, 'writing');
        return id;
      }
      if (pendingLength > 0) await flush(Buffer.concat(pending, pendingLength));
      await claim();
      // The commit goes out right behind the last writes without waiting for their replies (one round trip fewer,
      // and one fsync fewer with appendfsync always). It runs after them on this connection and fails unless every
      // chunk arrived; should it succeed although a write reported an error, the entry is discarded below.
      const committed = this.run('mailSpoolCommit', id, size, chunks, options.refs, Date.now(), token).then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
      await Promise.all(inFlight);
      const failed = await committed;
      if (failed) throw writeError ?? failed.err;
      if (writeError) {
        await this.run('mailSpoolDiscard', id).catch(() => undefined);
        throw writeError;
      }
      return id;
    } catch (err) {
      await Promise.all(inFlight);
      if (!token) await this.client.del(data).catch(() => undefined);
      else if (await claimed?.then(() => true, () => false)) await this.run('mailSpoolAbort', id, token).catch(() => undefined);
      if (source instanceof Readable && !source.destroyed) source.destroy();
      throw err;
    }
  }

  /** Reserves a caller-chosen id for the writer holding `token`, or throws SpoolIdTakenError. */
  private async claim(id: string, token: string): Promise<void> {
    const result = Number(await this.run('mailSpoolClaim', id, token, PENDING_TTL_MS));
    if (result === 1) throw new SpoolIdTakenError(id, 'exists');
    if (result === 2) throw new SpoolIdTakenError(id, 'writing');
  }

  private async meta(id: string): Promise<{ size: number; chunks: number; refs: number; created: number; touched: number }> {
    const [size, chunks, refs, created, touched] = await this.client.hmget(this.metaKey(id), 'size', 'chunks', 'refs', 'created', 'touched');
    if (size == null || chunks == null) throw new SpoolNotFoundError(id);
    return { size: Number(size), chunks: Number(chunks), refs: Number(refs), created: Number(created), touched: Number(touched) };
  }

  /** Size of the stored message in octets. */
  async size(id: string): Promise<number> {
    return (await this.meta(id)).size;
  }

  /** Size, reference count and times of an entry. */
  async info(id: string): Promise<SpoolEntryInfo> {
    const m = await this.meta(id);
    return { id, size: m.size, refs: m.refs, created: new Date(m.created), touched: new Date(m.touched) };
  }

  /** Whether a complete entry exists under `id`. */
  async exists(id: string): Promise<boolean> {
    return (await this.client.exists(this.metaKey(id))) === 1;
  }

  /** Reads chunks [from, from + count), failing if the entry vanished meanwhile. */
  private async readChunks(id: string, from: number, count: number): Promise<Buffer[]> {
    const got = await this.client.lrangeBuffer(this.dataKey(id), from, from + count - 1);
    if (got.length !== count) throw new SpoolNotFoundError(id);
    return got;
  }

  /** The entry's size and chunk count with its first READ_BATCH chunks, in one round trip (a small message is all there). */
  private async start(id: string): Promise<{ size: number; chunks: number; first: Buffer[] }> {
    const replies = await this.client.pipeline().hmget(this.metaKey(id), 'size', 'chunks').lrangeBuffer(this.dataKey(id), 0, READ_BATCH - 1).exec();
    for (const [err] of replies ?? []) if (err) throw err;
    const [size, chunks] = (replies?.[0]?.[1] ?? []) as Array<string | null>;
    const first = (replies?.[1]?.[1] ?? []) as Buffer[];
    if (size == null || chunks == null || first.length !== Math.min(READ_BATCH, Number(chunks))) throw new SpoolNotFoundError(id);
    return { size: Number(size), chunks: Number(chunks), first };
  }

  /** The whole message in one Buffer (use stream() for large messages). */
  async get(id: string): Promise<Buffer> {
    const m = await this.start(id);
    const parts: Buffer[] = m.first;
    for (let i = READ_BATCH; i < m.chunks; i += READ_BATCH) parts.push(...(await this.readChunks(id, i, Math.min(READ_BATCH, m.chunks - i))));
    const body = Buffer.concat(parts);
    if (body.length !== m.size) throw new QueueError(`spool entry ${id} is ${body.length} bytes, expected ${m.size}`);
    return body;
  }

  /** The message as a stream of chunks, fetched from Redis as the consumer reads. Errors (e.g. SpoolNotFoundError) arrive as 'error'. */
  stream(id: string): Readable {
    return Readable.from(this.chunks(id), { objectMode: false, highWaterMark: this.chunkSize });
  }

  private async *chunks(id: string): AsyncGenerator<Buffer> {
    const m = await this.start(id);
    let total = 0;
    for (let i = 0; i < m.chunks; i += READ_BATCH) {
      for (const chunk of i === 0 ? m.first : await this.readChunks(id, i, Math.min(READ_BATCH, m.chunks - i))) {
        total += chunk.length;
        yield chunk;
      }
    }
    if (total !== m.size) throw new QueueError(`spool entry ${id} is ${total} bytes, expected ${m.size}`);
  }

  /**
   * Drops one reference and deletes the message when it was the last. With a `holder` (the releasing job's id)
   * a repeated release by the same holder changes nothing. Returns the references left, or null if the entry did not exist.
   */
  async release(id: string, holder?: string): Promise<number | null> {
    const left = Number(await this.run('mailSpoolRelease', id, holder ?? ''));
    return left < 0 ? null : left;
  }

  /** Adds `n` references (before creating n more jobs for the message). Returns the new count. */
  async retain(id: string, n = 1): Promise<number> {
    if (!Number.isInteger(n) || n < 1) throw new QueueError('spool.retain needs n ≥ 1');
    const refs = Number(await this.run('mailSpoolRetain', id, n, Date.now()));
    if (refs < 0) throw new SpoolNotFoundError(id);
    return refs;
  }

  /** Deletes the message whatever its count: for a submission given up before any job was queued. Returns whether it existed. */
  async discard(id: string): Promise<boolean> {
    return Number(await this.run('mailSpoolDiscard', id)) === 1;
  }

  /** Ids of entries created at or before `cutoff` (ms), oldest first, `limit` of them from `offset`. */
  async idsOlderThan(cutoff: number, limit = 1000, offset = 0): Promise<string[]> {
    return this.client.zrangebyscore(this.indexKey(), '-inf', cutoff, 'LIMIT', offset, limit);
  }

  /** Number of committed entries. */
  async count(): Promise<number> {
    return this.client.zcard(this.indexKey());
  }

  /** Deletes an unreferenced entry unless it was created or retained after `cutoff`. Returns whether it was deleted. */
  async sweep(id: string, cutoff: number): Promise<boolean> {
    return Number(await this.run('mailSpoolSweep', id, cutoff)) === 1;
  }
}

function checkExec(results: Array<[Error | null, unknown]> | null): void {
  if (!results) throw new QueueError('redis transaction aborted');
  for (const [err] of results) if (err) throw err;
}
