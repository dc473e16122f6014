// Spam and virus commands run for real through /bin/sh: exit statuses, input on stdin, time limits, early exits.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkContent, HookError, runHook } from './hooks.js';

const message = (text: string) => () => Readable.from([Buffer.from(text)]);

describe('runHook', () => {
  it.each([
    ['exit 0 is clean', 'cat >/dev/null; exit 0', false],
    ['exit 1 is positive', 'cat >/dev/null; exit 1', true],
    ['reads the message on stdin', '! grep -q EICAR', true],
    ['reads the message on stdin (no match)', '! grep -q NOTTHERE', false],
  ])('%s', async (_name, command, expected) => {
    expect(await runHook('virus', command, message('Subject: x\r\n\r\nEICAR test\r\n'), { timeoutMs: 10_000 })).toBe(expected);
  });

  it('reports other statuses as a failure with the command’s error output', async () => {
    await expect(runHook('spam', 'echo broken >&2; exit 3', message('x'), { timeoutMs: 10_000 })).rejects.toThrow(/spam check failed: exit status 3: broken/);
  });

  it('kills a command that takes too long, with its children', async () => {
    const started = Date.now();
    const err = await runHook('spam', 'sleep 30; exit 0', message('x'), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookError);
    expect((err as Error).message).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('copes with a command that exits without reading a large message', async () => {
    const big = () => Readable.from((function* () { for (let i = 0; i < 200; i++) yield Buffer.alloc(64 * 1024, 0x61); })());
    expect(await runHook('spam', 'exit 1', big, { timeoutMs: 10_000 })).toBe(true);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const p = runHook('virus', 'sleep 30', message('x'), { timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toThrow(/aborted/);
  });
});

describe('checkContent', () => {
  it.each([
    ['nothing configured', {}, { virus: false, spam: false }],
    ['spam only', { spamCommand: 'exit 1' }, { virus: false, spam: true }],
    ['virus wins, spam not asked', { virusCommand: 'exit 1', spamCommand: 'exit 3' }, { virus: true, spam: false }],
    ['both clean', { virusCommand: 'exit 0', spamCommand: 'exit 0' }, { virus: false, spam: false }],
  ])('%s', async (_name, commands, expected) => {
    expect(await checkContent({ ...commands, timeoutMs: 10_000 }, message('x'))).toEqual(expected);
  });
});
