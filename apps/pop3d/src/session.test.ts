// Session tests over loopback sockets: login, the transaction commands, the update, limits and pipelining.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, USER, PASSWORD } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const M1 = 'From: a@example.test\r\nSubject: one\r\n\r\nHello\r\n';
const M2 = 'From: b@example.test\nSubject: two\n\nLine one\n.dot line\nlast\n';

describe('pop3d session', () => {
  it('logs in with USER/PASS and lists messages', async () => {
    h = await startHarness({ messages: [M1, M2] });
    const c = await h.client();
    expect(c.greeting).toMatch(/^\+OK POP3 server ready <\d+\.[0-9a-f]+\.\d+@pop\.example\.test>$/);
    await c.login();
    expect(await c.command('STAT')).toEqual({ ok: true, text: `2 ${M1.length + M2.length + 6}` });
    const list = await c.command('LIST', true);
    expect(list.lines).toEqual([`1 ${M1.length}`, `2 ${M2.length + 6}`]);
    const r = await c.command('RETR 2', true);
    expect(r.text).toBe(`${M2.length + 6} octets`);
    expect(r.raw!.toString()).toBe('From: b@example.test\r\nSubject: two\r\n\r\nLine one\r\n..dot line\r\nlast\r\n');
    expect((await c.quit()).ok).toBe(true);
  });
});
