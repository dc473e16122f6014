// The command table and the dispatcher's state check: every command the parser knows has a module, and each
// answers BAD outside the states it declares.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { COMMAND_NAMES } from './protocol/index.js';
import { startHarness, stopSharedTls, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(stopSharedTls);

describe('command table', () => {
  it('has a module for every command the parser reads', () => {
    expect(COMMAND_NAMES.filter((n) => !COMMANDS.has(n as never))).toEqual([]);
    for (const [name, module] of COMMANDS) {
      expect(module.name).toBe(name);
      expect(module.states.length).toBeGreaterThan(0);
    }
  });
});

describe('state check', () => {
  const notAuth: Array<[string, string]> = [
    ['SELECT INBOX', 'BAD'],
    ['LIST "" *', 'BAD'],
    ['APPEND INBOX {1+}\r\nx', 'BAD'],
    ['FETCH 1 FLAGS', 'BAD'],
    ['ENABLE CONDSTORE', 'BAD'],
    ['IDLE', 'BAD'],
    ['CAPABILITY', 'OK'],
    ['NOOP', 'OK'],
  ];
  it.each(notAuth)('before login: %s → %s', async (command, status) => {
    h = await startHarness();
    const c = await h.client();
    expect((await c.cmd(command)).status).toBe(status);
  });

  const auth: Array<[string, string]> = [
    ['FETCH 1 FLAGS', 'BAD'],
    ['STORE 1 +FLAGS (\\Seen)', 'BAD'],
    ['SEARCH ALL', 'BAD'],
    ['EXPUNGE', 'BAD'],
    ['CLOSE', 'BAD'],
    ['UID COPY 1 INBOX', 'BAD'],
    ['LOGIN a b', 'BAD'],
    ['AUTHENTICATE PLAIN', 'BAD'],
    ['STARTTLS', 'BAD'],
    ['STATUS INBOX (MESSAGES)', 'OK'],
  ];
  it.each(auth)('logged in, nothing selected: %s → %s', async (command, status) => {
    h = await startHarness();
    const c = await h.login();
    expect((await c.cmd(command)).status).toBe(status);
  });
});
