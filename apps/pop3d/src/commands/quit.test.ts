// QUIT and the UPDATE state: deletion only at QUIT, \Seen for retrieved messages, -ERR with nothing lost on failure.
import { describe, expect, it } from 'vitest';
import type { MailFolder } from '@mail/maildir';
import { fakeContext } from './test-context.js';

const M = (n: number): string => `Subject: ${n}\r\n\r\nbody ${n}\r\n`;

describe('QUIT', () => {
  it('in AUTHORIZATION just says goodbye', async () => {
    const f = await fakeContext();
    expect(await f.run('QUIT')).toEqual({ kind: 'ok', text: 'Logging out.', after: 'close' });
  });

  it('removes the marked messages and sets \\Seen on those retrieved', async () => {
    const f = await fakeContext({ messages: [M(1), M(2), M(3)], loggedIn: true });
    await f.body(await f.run('RETR 1'));
    await f.body(await f.run('RETR 2'));
    await f.run('DELE 2');
    await f.run('DELE 3');
    expect(await f.run('QUIT')).toEqual({ kind: 'ok', text: 'Logging out, 2 messages deleted.', after: 'close' });
    expect(f.state.phase).toBe('UPDATE');
    const snap = await (await f.inbox()).snapshot();
    expect(snap.messages.map((m) => [m.uid, m.flags])).toEqual([[1, ['\\Seen']]]);
  });

  it('without DELE deletes nothing', async () => {
    const f = await fakeContext({ messages: [M(1)], loggedIn: true });
    expect(await f.run('QUIT')).toMatchObject({ kind: 'ok', text: 'Logging out.' });
    expect((await (await f.inbox()).status()).exists).toBe(1);
  });

  it('answers -ERR [SYS/TEMP] when the removal fails, and the messages stay', async () => {
    let folder: MailFolder | undefined;
    const f = await fakeContext({
      messages: [M(1), M(2)],
      deps: {
        inboxes: {
          open: async () => {
            const real = await (await f.store.openMailbox('alice@example.test')).folder('INBOX');
            folder = Object.assign(Object.create(real) as MailFolder, {
              expunge: async () => {
                throw new Error('EIO: disk on fire');
              },
            });
            return folder;
          },
        },
      },
    });
    await f.run('USER alice@example.test');
    await f.run('PASS secret');
    await f.run('DELE 1');
    expect(await f.run('QUIT')).toMatchObject({ kind: 'err', code: 'SYS/TEMP', text: 'Some deleted messages were not removed; try again later.', after: 'close' });
    expect((await (await f.inbox()).status()).exists).toBe(2);
  });

  it('deletes nothing when the mailbox lock was lost meanwhile', async () => {
    const f = await fakeContext({ messages: [M(1)], loggedIn: true });
    await f.state.lock!.release();
    await f.run('DELE 1');
    expect(await f.run('QUIT')).toMatchObject({ kind: 'err', code: 'SYS/TEMP', after: 'close' });
    expect((await (await f.inbox()).status()).exists).toBe(1);
  });
});
