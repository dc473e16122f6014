// Whole stack, relay control with loopback removed from mynetworks: unauthenticated mail to a remote domain is
// refused in every disguise (routing in the local part, source routes, bang paths); authenticated mail is relayed
// through the outbound queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSmtp, queuedId, startStack, USERS, type Stack } from './smtp-support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ mynetworks: [] });
});
afterAll(async () => {
  await stack?.stop();
});

/** Sent verbatim: the client must not rewrite them. */
const DISGUISED = [
  '<user@remote.test>',
  '<user%remote.test@local.test>',
  '<"user@remote.test"@local.test>',
  '<@local.test:user@remote.test>',
  '<@local.test,@mx.local.test:user@remote.test>',
  '<remote.test!user@local.test>',
  '<remote.test!user%other.test@local.test>',
  '<"user%remote.test"@local.test>',
];

describe('relay control', () => {
  it('refuses unauthenticated relay in every disguise with 554 5.7.1, and still takes local mail', async () => {
    const r = await pythonSmtp({ port: stack.ports.mx, mode: 'plain', steps: [{ from: 'x@remote.test', to: [...DISGUISED, 'bob@local.test'], data: 'Subject: r\r\n\r\nb\r\n' }] });
    const replies = r.steps[0]!.rcpt;
    for (const [i, address] of DISGUISED.entries()) expect([address, ...replies[i]!]).toEqual([address, 554, expect.stringMatching(/^5\.7\.1 /)]);
    expect(replies[DISGUISED.length]![0]).toBe(250);
    const id = queuedId(r.steps[0]!.data![0]![1]);
    expect(await stack.job(id, 'outbound')).toBeUndefined();
    expect(await stack.job(id, 'deliver')).toMatchObject({ recipients: [{ address: 'bob@local.test' }] });
  });

  it('relays for an authenticated user through the outbound queue; routing local parts stay refused', async () => {
    const r = await pythonSmtp({
      port: stack.ports.submission,
      mode: 'starttls',
      user: 'alice@local.test',
      password: USERS['alice@local.test'],
      steps: [{ from: 'alice@local.test', to: ['user@remote.test', '<user%remote.test@local.test>', '<"user@remote.test"@local.test>'], data: 'Subject: relay\r\n\r\nb\r\n' }],
    });
    const [plain, percent, quoted] = r.steps[0]!.rcpt;
    expect(plain![0]).toBe(250);
    expect([percent![0], quoted![0]]).toEqual([550, 550]);
    expect(percent![1]).toMatch(/^5\.7\.1 /);
    const id = queuedId(r.steps[0]!.data![0]![1]);
    expect(await stack.job(id, 'outbound')).toMatchObject({ sender: 'alice@local.test', recipients: [{ address: 'user@remote.test', status: 'pending' }], received: { authUser: 'alice@local.test' } });
    expect(await stack.job(id, 'deliver')).toBeUndefined();
  });

  it('an unauthenticated client on the MX listener cannot use a local sender to relay either', async () => {
    const r = await pythonSmtp({ port: stack.ports.mx, mode: 'starttls', steps: [{ from: 'alice@local.test', to: ['user@remote.test'] }] });
    expect(r.steps[0]!.rcpt[0]![0]).toBe(554);
  });
});
