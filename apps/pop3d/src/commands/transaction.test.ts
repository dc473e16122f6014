// Table tests of the TRANSACTION-state command modules: STAT, LIST, UIDL, DELE, RSET, NOOP, RETR, TOP.
import { describe, expect, it } from 'vitest';
import { uidlOf } from '../uidl.js';
import { fakeContext } from './test-context.js';

const M1 = 'Subject: one\r\n\r\nHello\r\n';
const M2 = 'Subject: two\n\n.dot\nsecond\nthird\n';
const M3 = 'Subject: three\r\n\r\nbye';
const sizes = [M1.length, M2.length + 5, M3.length];

describe('transaction commands', () => {
  it.each([
    ['STAT', [], { kind: 'ok', text: `3 ${sizes[0]! + sizes[1]! + sizes[2]!}` }],
    ['LIST 2', [], { kind: 'ok', text: `2 ${sizes[1]}` }],
    ['LIST', [], { kind: 'ok', text: `3 messages (${sizes[0]! + sizes[1]! + sizes[2]!} octets)`, lines: [`1 ${sizes[0]}`, `2 ${sizes[1]}`, `3 ${sizes[2]}`] }],
    ['LIST', ['DELE 2'], { kind: 'ok', text: `2 messages (${sizes[0]! + sizes[2]!} octets)`, lines: [`1 ${sizes[0]}`, `3 ${sizes[2]}`] }],
    ['LIST 4', [], { kind: 'err', text: 'There is no message 4.' }],
    ['LIST 0', [], { kind: 'err', text: 'There is no message 0.' }],
    ['LIST 2', ['DELE 2'], { kind: 'err', text: 'Message 2 is already deleted.' }],
    ['STAT', ['DELE 1', 'DELE 3'], { kind: 'ok', text: `1 ${sizes[1]}` }],
    ['DELE 1', [], { kind: 'ok', text: 'Message 1 deleted.' }],
    ['DELE 1', ['DELE 1'], { kind: 'err', text: 'Message 1 is already deleted.' }],
    ['RSET', ['DELE 1', 'DELE 2'], { kind: 'ok', text: `Maildrop has 3 messages (${sizes[0]! + sizes[1]! + sizes[2]!} octets).` }],
    ['STAT', ['DELE 1', 'RSET'], { kind: 'ok', text: `3 ${sizes[0]! + sizes[1]! + sizes[2]!}` }],
    ['NOOP', [], { kind: 'ok', text: '' }],
    ['NOOP x', [], { kind: 'err', text: 'No arguments allowed.', bad: true }],
    ['RETR 9', [], { kind: 'err', text: 'There is no message 9.' }],
    ['TOP 9 1', [], { kind: 'err', text: 'There is no message 9.' }],
    ['UIDL 4', [], { kind: 'err', text: 'There is no message 4.' }],
  ])('%s after %j', async (line, before, expected) => {
    const f = await fakeContext({ messages: [M1, M2, M3], loggedIn: true });
    for (const b of before) expect((await f.run(b)).kind).toBe('ok');
    expect(await f.run(line)).toMatchObject(expected);
  });

  it('UIDL lists %08Xu%08Xv of UID and UIDVALIDITY, without deleted messages', async () => {
    const f = await fakeContext({ messages: [M1, M2, M3], loggedIn: true });
    const { uidValidity } = await (await f.inbox()).status();
    await f.run('DELE 2');
    expect(await f.run('UIDL')).toMatchObject({ kind: 'ok', lines: [`1 ${uidlOf(1, uidValidity)}`, `3 ${uidlOf(3, uidValidity)}`] });
    expect(await f.run('UIDL 3')).toMatchObject({ kind: 'ok', text: `3 ${uidlOf(3, uidValidity)}` });
  });

  it('RETR streams the message with CRLF and stuffing; the size announced is what is sent', async () => {
    const f = await fakeContext({ messages: [M1, M2, M3], loggedIn: true });
    const r = await f.run('RETR 2');
    expect(r).toMatchObject({ kind: 'ok', text: `${sizes[1]} octets` });
    expect(await f.body(r)).toBe('Subject: two\r\n\r\n..dot\r\nsecond\r\nthird\r\n.\r\n');
    const r3 = await f.run('RETR 3');
    expect(await f.body(r3)).toBe('Subject: three\r\n\r\nbye\r\n.\r\n');
    if (r3.kind === 'ok') expect(r3.stream?.octets()).toBe(sizes[2]);
  });

  it('RETR marks the message retrieved only once the whole body went out; TOP never does', async () => {
    const f = await fakeContext({ messages: [M1, M2], loggedIn: true });
    const r = await f.run('RETR 1');
    expect(f.state.maildrop!.get(1).retrieved).toBe(false);
    await f.body(r);
    expect(f.state.maildrop!.get(1).retrieved).toBe(true);
    await f.body(await f.run('TOP 2 1'));
    expect(f.state.maildrop!.get(2).retrieved).toBe(false);
  });

  it.each([
    ['TOP 2 0', 'Subject: two\r\n\r\n.\r\n'],
    ['TOP 2 1', 'Subject: two\r\n\r\n..dot\r\n.\r\n'],
    ['TOP 2 99', 'Subject: two\r\n\r\n..dot\r\nsecond\r\nthird\r\n.\r\n'],
    ['TOP 1 5', 'Subject: one\r\n\r\nHello\r\n.\r\n'],
  ])('%s', async (line, expected) => {
    const f = await fakeContext({ messages: [M1, M2], loggedIn: true });
    expect(await f.body(await f.run(line))).toBe(expected);
  });

  it('RETR of a message another client removed meanwhile is -ERR, not a broken +OK', async () => {
    const f = await fakeContext({ messages: [M1, M2], loggedIn: true });
    await (await f.inbox()).expunge([1]);
    expect(await f.run('RETR 1')).toMatchObject({ kind: 'err', text: 'Message 1 was removed by another client.' });
    expect((await f.run('RETR 2')).kind).toBe('ok');
  });

  it('the listing is the snapshot taken at login: new mail waits for the next session', async () => {
    const f = await fakeContext({ messages: [M1], loggedIn: true });
    await f.store.deliver('alice@example.test', 'INBOX', M2);
    expect(await f.run('STAT')).toMatchObject({ text: `1 ${sizes[0]}` });
  });
});
