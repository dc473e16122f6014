// The maildrop of one POP3 session (RFC 1939 §5-6): the INBOX as it was at login, deletion marks kept until
// QUIT, the update (expunge, then \Seen for retrieved messages), and the bodies of RETR and TOP: read at once into
// reused buffers up to 1 MiB, streamed from the file beyond.
import type { Readable } from 'node:stream';
import type { FolderSnapshot, MailFolder } from '@mail/maildir';
import { MessageNotFoundError } from '@mail/maildir';
import { MessageEncoder } from './protocol/message-encoder.js';
import { Pop3Error, destroyQuietly, type StreamBody } from './protocol/reply.js';
import { uidlOf } from './uidl.js';

/**
 * Octets read from a message file at a time: few reads and writes per message (a file stream reads 64 KiB by default),
 * bounded memory however large the message is.
 */
export const READ_SIZE = 256 * 1024;

/**
 * Messages up to this size are read whole with blocking system calls (from the page cache a few system calls, instead
 * of a stream's several trips through the thread pool); larger ones are streamed. Small enough that a cold read from a
 * slow disk holds up the other sessions for about one disk read.
 */
export const IN_MEMORY_UP_TO = 1024 * 1024;

/**
 * Buffers that messages read at once are read into and converted into, reused from message to message: a new large
 * buffer for each message would make V8 collect its whole heap every few dozen messages (it counts memory held by
 * buffers towards its limits, and frees them only in a collection). One holds a message of IN_MEMORY_UP_TO octets or
 * its conversion, which is a little longer. An input buffer is given back once converted, an output buffer once the
 * socket has written it; one that is not given back is collected as usual.
 */
const BUFFER_SIZE = IN_MEMORY_UP_TO + IN_MEMORY_UP_TO / 4;
/** Smaller conversions are allocated as usual (small buffers come from Node's shared pool). */
const POOLED_FROM = 64 * 1024;
const SPARE_BUFFERS = 8;
const spareBuffers: Buffer[] = [];
const pooled = new WeakSet<ArrayBufferLike>();

function takeBuffer(): Buffer {
  const spare = spareBuffers.pop();
  if (spare) return spare;
  const buffer = Buffer.allocUnsafeSlow(BUFFER_SIZE);
  pooled.add(buffer.buffer);
  return buffer;
}

function giveBack(buffer: Buffer): void {
  if (spareBuffers.length < SPARE_BUFFERS) spareBuffers.push(buffer);
}

/** Where a message read at once is converted to. */
function allocate(size: number): Buffer {
  return size >= POOLED_FROM && size <= BUFFER_SIZE ? takeBuffer().subarray(0, size) : Buffer.allocUnsafe(size);
}

/** The socket is done with a part of a body: a reused buffer it was in can be used again. */
function written(part: Buffer): void {
  if (pooled.has(part.buffer)) giveBack(Buffer.from(part.buffer));
}

export interface MaildropEntry {
  /** Message number in this session, from 1. */
  number: number;
  uid: number;
  /** Octets with CRLF line endings: what LIST and STAT report and RETR sends. */
  octets: number;
  seen: boolean;
  deleted: boolean;
  retrieved: boolean;
}

export interface UpdateResult {
  /** Messages removed. */
  deleted: number;
  /** Marked messages that were already gone (removed by another client). */
  missing: number;
}

export class Maildrop {
  readonly uidValidity: number;
  private readonly entries: MaildropEntry[];

  constructor(
    private readonly folder: MailFolder,
    snapshot: FolderSnapshot,
  ) {
    this.uidValidity = snapshot.uidValidity;
    this.entries = snapshot.messages.map((m, i) => ({
      number: i + 1,
      uid: m.uid,
      octets: m.vsize,
      seen: m.flags.includes('\\Seen'),
      deleted: false,
      retrieved: false,
    }));
  }

  /** Messages not marked as deleted and their total size (STAT). */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const e of this.entries) {
      if (e.deleted) continue;
      count++;
      octets += e.octets;
    }
    return { count, octets };
  }

  /** Every message not marked as deleted, in order. */
  list(): MaildropEntry[] {
    return this.entries.filter((e) => !e.deleted);
  }

  /** Number of messages at login, deleted ones included (message numbers run from 1 to this). */
  get size(): number {
    return this.entries.length;
  }

  /** The message with this number; -ERR when there is none or it is marked as deleted. */
  get(number: number): MaildropEntry {
    const entry = Number.isSafeInteger(number) && number >= 1 ? this.entries[number - 1] : undefined;
    if (!entry) throw new Pop3Error(`There is no message ${number}.`);
    if (entry.deleted) throw new Pop3Error(`Message ${number} is already deleted.`);
    return entry;
  }

  uidl(entry: MaildropEntry): string {
    return uidlOf(entry.uid, this.uidValidity);
  }

  dele(number: number): void {
    this.get(number).deleted = true;
  }

  /** RSET: unmarks every message. */
  reset(): void {
    for (const e of this.entries) e.deleted = false;
  }

  get marked(): number {
    return this.entries.reduce((n, e) => n + (e.deleted ? 1 : 0), 0);
  }

  /**
   * Opens a message for RETR (whole) or TOP (header and `bodyLines` lines). Resolves once the message is open, so
   * that a message removed by another client gets -ERR rather than a broken +OK.
   */
  async open(entry: MaildropEntry, bodyLines?: number): Promise<StreamBody> {
    // The recorded size (with CRLF line endings) is never below the file's.
    const buffer = entry.octets <= IN_MEMORY_UP_TO ? takeBuffer() : undefined;
    let read;
    try {
      read = await this.folder.read(entry.uid, buffer ? { into: buffer } : {});
    } catch (err) {
      if (buffer) giveBack(buffer);
      if (err instanceof MessageNotFoundError) throw new Pop3Error(`Message ${entry.number} was removed by another client.`);
      throw err;
    }
    const options = bodyLines === undefined ? {} : { bodyLines };
    if (buffer && read.data) {
      // Read at once: converted at once, the input buffer given back.
      const encoder = new MessageEncoder({ ...options, allocate });
      let out;
      try {
        out = encoder.encode(read.data);
        if (out.buffer === buffer.buffer) {
          // Unchanged octets come back as they are: copied out, since the input buffer is used again.
          const copy = allocate(out.length);
          out.copy(copy);
          out = copy;
        }
      } finally {
        giveBack(buffer);
      }
      const chunks = out.length > 0 ? [out, encoder.finish()] : [encoder.finish()];
      return { chunks, abort: () => undefined, octets: () => encoder.octets, written };
    }
    if (buffer) giveBack(buffer);
    const { stream, size } = read;
    const encoder = new MessageEncoder(options);
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        // The stream reads the file to its end: the terminator follows the last part at once (without waiting for the
        // stream to end), so that the connection sends both in one write.
        let left = size;
        for await (const chunk of readParts(stream, READ_SIZE)) {
          left -= chunk.length;
          const out = encoder.encode(chunk);
          if (out.length > 0) yield out;
          if (encoder.done || left <= 0) break;
        }
        yield encoder.finish();
      } finally {
        destroyQuietly(stream);
      }
    }
    return { chunks: chunks(), abort: () => destroyQuietly(stream), octets: () => encoder.octets };
  }

  /** RETR done: the message gets \Seen when the session ends (as Dovecot does, in one change). */
  retrieved(entry: MaildropEntry): void {
    entry.retrieved = true;
  }

  /** The UPDATE state (RFC 1939 §6): removes the marked messages; throws when that fails (nothing is lost). */
  async update(): Promise<UpdateResult> {
    const uids = this.entries.filter((e) => e.deleted).map((e) => e.uid);
    let deleted = 0;
    if (uids.length > 0) deleted = (await this.folder.expunge(uids)).expunged.length;
    await this.markSeen(false);
    return { deleted, missing: uids.length - deleted };
  }

  /**
   * Sets \Seen on the retrieved messages (at QUIT, and when the connection ends without QUIT, where messages marked
   * for deletion stay and so get \Seen too).
   */
  async markSeen(includeDeleted = true): Promise<void> {
    const todo = this.entries.filter((e) => e.retrieved && !e.seen && (includeDeleted || !e.deleted));
    if (todo.length === 0) return;
    await this.folder.setFlags(
      todo.map((e) => e.uid),
      'add',
      ['\\Seen'],
    );
    for (const e of todo) e.seen = true;
  }
}

/**
 * The octets of `stream` in parts of up to `size` octets. Readable.read(size) raises the stream's highWaterMark to
 * `size`, so a file stream reads that much per system call instead of 64 KiB.
 */
export async function* readParts(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let ended = false;
  const onReadable = (): void => wake?.();
  const onEnd = (): void => {
    ended = true;
    wake?.();
  };
  const onError = (err: Error): void => {
    failure = err;
    wake?.();
  };
  stream.on('readable', onReadable);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.on('close', onReadable);
  try {
    for (;;) {
      const part = stream.read(size) as Buffer | null;
      if (part !== null) {
        yield part;
        continue;
      }
      if (failure) throw failure;
      if (ended || stream.readableEnded) return;
      if (stream.destroyed) throw new Error('the message stream closed before its end');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    stream.off('readable', onReadable);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onReadable);
  }
}
