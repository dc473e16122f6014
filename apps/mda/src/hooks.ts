// Spam and virus checks by external commands (spamc -c, clamdscan -): the message on standard input, exit status 0
// for clean and 1 for spam/virus; anything else, a signal or the time limit makes a temporary failure.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { OpenMessage } from './message.js';

/** A check that gave no answer: the delivery is retried later. */
export class HookError extends Error {
  override name = 'HookError';
  constructor(
    readonly hook: string,
    message: string,
  ) {
    super(`${hook} check failed: ${message}`);
  }
}

export interface HookOptions {
  timeoutMs: number;
  /** Aborts the check (the worker is closing). */
  signal?: AbortSignal;
}

const STDERR_LIMIT = 2048;

/**
 * Runs `command` through /bin/sh with the message on its standard input. Resolves true for exit status 1 (positive),
 * false for 0 (clean); rejects with HookError otherwise. The command runs in its own process group, killed whole
 * on timeout or abort.
 */
export function runHook(hook: string, command: string, open: OpenMessage, options: HookOptions): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let settled = false;
    const kill = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    };
    const finish = (err: HookError | null, positive = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(positive);
    };
    const timer = setTimeout(() => {
      kill();
      finish(new HookError(hook, `no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const onAbort = (): void => {
      kill();
      finish(new HookError(hook, 'aborted'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += d.toString('utf8').slice(0, STDERR_LIMIT - stderr.length);
    });
    child.on('error', (err) => finish(new HookError(hook, err.message)));
    child.on('close', (code, signal) => {
      if (code === 0) finish(null, false);
      else if (code === 1) finish(null, true);
      else finish(new HookError(hook, signal ? `killed by ${signal}` : `exit status ${code}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
    // A command that decides before reading everything closes its input early: that is not an error.
    pipeline(Readable.from(open() as AsyncIterable<Uint8Array>), child.stdin).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED' && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        kill();
        finish(new HookError(hook, `could not pass the message: ${err.message}`));
      }
    });
  });
}

export interface ContentChecks {
  spamCommand?: string | undefined;
  virusCommand?: string | undefined;
  timeoutMs: number;
}

export interface ContentVerdict {
  virus: boolean;
  spam: boolean;
}

/** Runs the configured checks: the virus check first; a virus needs no spam check. */
export async function checkContent(checks: ContentChecks, open: OpenMessage, signal?: AbortSignal): Promise<ContentVerdict> {
  const options: HookOptions = { timeoutMs: checks.timeoutMs, ...(signal ? { signal } : {}) };
  const virus = checks.virusCommand ? await runHook('virus', checks.virusCommand, open, options) : false;
  if (virus) return { virus: true, spam: false };
  const spam = checks.spamCommand ? await runHook('spam', checks.spamCommand, open, options) : false;
  return { virus: false, spam };
}
