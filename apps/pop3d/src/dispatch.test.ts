// The dispatcher: lookup, state checks, parse errors and unexpected errors mapped to one reply; fuzzed with
// mutated real command lines, it never throws and never writes a reply that could break the framing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeContext } from './commands/test-context.js';
import { dispatch } from './dispatch.js';
import { statusLine } from './protocol/reply.js';

const line = (text: string | Buffer) => ({ kind: 'line' as const, bytes: Buffer.isBuffer(text) ? text : Buffer.from(text) });

describe('dispatch', () => {
  it.each([
    ['AUTHORIZATION', 'FOO', { kind: 'err', text: 'Unknown command.' }, true],
    ['AUTHORIZATION', '', { kind: 'err', text: 'Empty command.' }, true],
    ['AUTHORIZATION', 'STAT', { kind: 'err', text: 'Not logged in.' }, true],
    ['AUTHORIZATION', 'noop', { kind: 'err', text: 'Not logged in.' }, true],
    ['AUTHORIZATION', 'CAPA extra', { kind: 'err', text: 'No arguments allowed.' }, true],
    ['AUTHORIZATION', 'capa', { kind: 'ok' }, false],
    ['TRANSACTION', 'USER x', { kind: 'err', text: 'Already logged in.' }, true],
    ['TRANSACTION', 'STLS', { kind: 'err', text: 'Already logged in.' }, true],
    ['TRANSACTION', 'RETR x', { kind: 'err', text: 'Invalid message number: x' }, true],
    ['TRANSACTION', 'RETR 5', { kind: 'err', text: 'There is no message 5.' }, false],
    ['TRANSACTION', 'Stat', { kind: 'ok', text: '0 0' }, false],
  ])('%s: %j', async (phase, text, expected, bad) => {
    const f = await fakeContext({ loggedIn: phase === 'TRANSACTION' });
    const d = await dispatch(f.ctx, line(text));
    expect(d.reply).toMatchObject(expected);
    expect(d.bad).toBe(bad);
  });

  it('a line over the limit is a bad command', async () => {
    const f = await fakeContext();
    expect(await dispatch(f.ctx, { kind: 'too-long' })).toMatchObject({ reply: { kind: 'err', text: 'Command line too long.' }, bad: true });
  });

  it('an unexpected failure becomes [SYS/TEMP] without its text', async () => {
    const f = await fakeContext();
    f.ctx.deps.auth.login = async () => {
      throw new Error('secret internals');
    };
    await dispatch(f.ctx, line('USER alice@example.test'));
    const d = await dispatch(f.ctx, line('PASS x'));
    expect(d.reply).toEqual({ kind: 'err', code: 'SYS/TEMP', text: 'Internal error; try again later.', after: 'continue' });
  });

  it('never throws and never writes more than one status line (fuzz)', async () => {
    const f = await fakeContext({ messages: ['Subject: a\r\n\r\nb\r\n', 'Subject: c\n\n.d\n'], loggedIn: true });
    const seeds = ['STAT', 'LIST', 'LIST 1', 'UIDL 2', 'TOP 1 0', 'DELE 1', 'RSET', 'NOOP', 'CAPA', 'USER a', 'PASS b', 'APOP a b', 'AUTH PLAIN', 'STLS'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.string({ maxLength: 30 }), fc.uint8Array({ maxLength: 12 }), async (seed, suffix, junk) => {
        const bytes = Buffer.concat([Buffer.from(seed + suffix), Buffer.from(junk)]);
        const d = await dispatch(f.ctx, line(bytes));
        if (d.reply.kind === 'ok' && d.reply.stream) {
          for await (const _ of d.reply.stream.chunks) void _;
        }
        expect(statusLine(d.reply)).toMatch(/^(\+OK|-ERR)[^\r\n\0]*\r\n$/);
        if (d.reply.kind === 'ok') for (const l of d.reply.lines ?? []) expect(l).not.toMatch(/[\r\n]/);
        await dispatch(f.ctx, line('RSET'));
      }),
      { numRuns: 300 },
    );
  });
});
