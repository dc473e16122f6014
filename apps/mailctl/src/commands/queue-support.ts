// What `mailctl queue` needs around @mail/queue: a short-lived administration connection, the mapping of queue
// errors to sysexits codes, and reading a spooled message's beginning or whole text.
import type { Readable } from 'node:stream';
import type { Config } from '@mail/config';
import { closeRedis, createRedis, JobActiveError, JobNotFoundError, QueueAdmin, QueueError, waitReady, type RedisClient } from '@mail/queue';
import type { Io } from '../command.js';
import { CommandError, Exit } from './directory-support.js';

/** How long mailctl waits for Redis before saying it is unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

/** sysexits EX_NOINPUT: the message a job refers to is not in the spool. */
export const EX_NOINPUT = 66;

export interface AdminSession {
  admin: QueueAdmin;
  close(): Promise<void>;
}

/**
 * Connects to the configured Redis (single node, Sentinel or Cluster) as a producer-role client: commands fail
 * at once while Redis is down instead of waiting. Unreachable Redis is CommandError(69) within CONNECT_TIMEOUT_MS.
 */
export async function openAdmin(config: Config, timeoutMs = CONNECT_TIMEOUT_MS): Promise<AdminSession> {
  let client: RedisClient;
  try {
    client = createRedis(config.redis, { role: 'producer', lazyConnect: true });
  } catch (err) {
    throw new CommandError(Exit.config, (err as Error).message);
  }
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect(), timeout]);
    await Promise.race([waitReady(client, timeoutMs), timeout]);
  } catch (err) {
    client.disconnect();
    throw new CommandError(Exit.unavailable, `cannot reach Redis (${(err as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
  const admin = await QueueAdmin.open({ redis: config.redis, connection: client });
  return {
    admin,
    async close() {
      await admin.close().catch(() => undefined);
      await closeRedis(client);
    },
  };
}

/** ioredis's ways of saying the connection went away in the middle of a command. */
function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/.test(err.message);
}

/** A queue error as the CommandError mailctl reports: unknown id 67, being processed 75, Redis gone 69, refused 65. */
export function commandErrorOf(err: unknown): CommandError | undefined {
  if (err instanceof CommandError) return err;
  if (err instanceof JobNotFoundError) return new CommandError(Exit.noUser, `no job ${err.jobId}`);
  if (err instanceof JobActiveError) return new CommandError(Exit.tempFail, err.message);
  if (isConnectionError(err)) return new CommandError(Exit.unavailable, `lost the connection to Redis (${(err as Error).message})`);
  if (err instanceof QueueError) return new CommandError(Exit.dataErr, err.message);
  return undefined;
}

/**
 * Runs one action on a job id: errors it can name are written to stderr and returned as an exit code, others thrown.
 * With `vanishedOk` (ALL: ids read a moment ago) a job that finished or was deleted meanwhile is skipped quietly.
 */
export async function perJob(io: Io, action: () => Promise<void>, vanishedOk = false): Promise<number> {
  try {
    await action();
    return Exit.ok;
  } catch (err) {
    if (vanishedOk && err instanceof JobNotFoundError) return Exit.noUser;
    const e = commandErrorOf(err);
    if (!e || e.exitCode === Exit.unavailable) throw err;
    io.err(`mailctl queue: ${e.message}`);
    return e.exitCode;
  }
}

/**
 * The beginning of a message: chunks are read until the header block and `lines` body lines are in, or `limit`
 * bytes; the rest is never fetched from Redis. `complete` says whether this is the whole message.
 */
export async function readHead(stream: Readable, lines: number, limit = 1 << 20): Promise<{ bytes: Buffer; complete: boolean }> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    parts.push(chunk);
    length += chunk.length;
    const bytes = Buffer.concat(parts, length);
    if (length >= limit || hasLines(bytes, lines)) return { bytes, complete: false };
  }
  return { bytes: Buffer.concat(parts, length), complete: true };
}

/** Whether `bytes` holds the whole header block and more than `lines` lines after it. */
function hasLines(bytes: Buffer, lines: number): boolean {
  const text = bytes.toString('latin1');
  const end = /(?:^|\n)\r?\n/.exec(text);
  if (!end) return false;
  let count = 0;
  for (let i = end.index + end[0].length; i < text.length; i++) if (text.charCodeAt(i) === 10 && ++count > lines) return true;
  return false;
}

/**
 * Writes a whole message as postcat does: line by line with LF endings, decoded as UTF-8 (mailctl's output is
 * text; bytes that are not UTF-8 show as U+FFFD). Control characters pass unchanged, so redirect it to a file.
 */
export async function printMessage(stream: Readable, io: Io): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let carry = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    carry += decoder.decode(chunk, { stream: true });
    const nl = carry.lastIndexOf('\n');
    if (nl < 0) continue;
    io.out(carry.slice(0, nl + 1).replace(/\r\n/g, '\n').slice(0, -1));
    carry = carry.slice(nl + 1);
  }
  carry += decoder.decode();
  if (carry !== '') io.out(carry.replace(/\r\n/g, '\n'));
}
