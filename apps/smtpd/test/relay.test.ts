// The relay matrix over real sessions: client in mynetworks or not, authenticated or not, local or remote
// recipient, and every address trick. The pure decision has its own table test (src/relay.test.ts); this one
// checks that sessions apply it to the final address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain, startServer, type TestServer } from './support/server.js';

let outside: TestServer;
let trusted: TestServer;
beforeAll(async () => {
  const config = { mynetworks: ['198.51.100.0/24'], smtpd: { allowInsecureAuth: true } };
  outside = await startServer({ clientIp: '192.0.2.99', config, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
  trusted = await startServer({ clientIp: '198.51.100.7', config, withTls: false, listeners: [{ mode: 'mx', tls: 'none' }] });
});
afterAll(async () => {
  await outside.stop();
  await trusted.stop();
});

type Who = 'anonymous' | 'mynetworks' | 'authenticated';

async function rcpt(who: Who, address: string): Promise<string> {
  const srv = who === 'mynetworks' ? trusted : outside;
  const c = await srv.open();
  try {
    if (who === 'authenticated') expect((await c.cmd(`AUTH PLAIN ${plain('alice@local.test', 'secret-alice')}`)).code).toBe(235);
    expect((await c.cmd(`MAIL FROM:<${who === 'authenticated' ? 'alice@local.test' : 'someone@remote.test'}>`)).code).toBe(250);
    const r = await c.cmd(`RCPT TO:${address}`);
    return r.code === 250 ? 'accept' : `${r.code} ${r.enhanced}`;
  } finally {
    c.close();
  }
}

const matrix: Array<[string, Record<Who, string>]> = [
  ['<alice@local.test>', { anonymous: 'accept', mynetworks: 'accept', authenticated: 'accept' }],
  ['<ALICE@Local.Test>', { anonymous: 'accept', mynetworks: 'accept', authenticated: 'accept' }],
  ['<nobody@local.test>', { anonymous: '550 5.1.1', mynetworks: '550 5.1.1', authenticated: '550 5.1.1' }],
  ['<user@remote.test>', { anonymous: '554 5.7.1', mynetworks: 'accept', authenticated: 'accept' }],
  ['<user@[192.0.2.1]>', { anonymous: '554 5.7.1', mynetworks: 'accept', authenticated: 'accept' }],
  ['<@local.test:user@remote.test>', { anonymous: '554 5.7.1', mynetworks: 'accept', authenticated: 'accept' }],
  ['<@remote.test:alice@local.test>', { anonymous: 'accept', mynetworks: 'accept', authenticated: 'accept' }],
  ['<user%remote.test@local.test>', { anonymous: '554 5.7.1', mynetworks: '550 5.7.1', authenticated: '550 5.7.1' }],
  ['<"user@remote.test"@local.test>', { anonymous: '554 5.7.1', mynetworks: '550 5.7.1', authenticated: '550 5.7.1' }],
  ['<remote.test!user@local.test>', { anonymous: '554 5.7.1', mynetworks: '550 5.7.1', authenticated: '550 5.7.1' }],
  ['<"alice"@local.test>', { anonymous: 'accept', mynetworks: 'accept', authenticated: 'accept' }],
];

describe('relay matrix', () => {
  for (const [address, want] of matrix) {
    for (const who of ['anonymous', 'mynetworks', 'authenticated'] as const) {
      it(`${address} from ${who} → ${want[who]}`, async () => {
        expect(await rcpt(who, address)).toBe(want[who]);
      });
    }
  }

  it('a catch-all domain still refuses routing tricks', async () => {
    outside.policy.catchAll.add('local.test');
    try {
      expect(await rcpt('anonymous', '<anything@local.test>')).toBe('accept');
      expect(await rcpt('anonymous', '<user%remote.test@local.test>')).toBe('554 5.7.1');
      expect(await rcpt('authenticated', '<"user@remote.test"@local.test>')).toBe('550 5.7.1');
    } finally {
      outside.policy.catchAll.delete('local.test');
    }
  });

  it('records the final address, without the route, as local or relayed', async () => {
    const c = await trusted.open();
    await c.cmd('MAIL FROM:<s@remote.test>');
    await c.cmd('RCPT TO:<@relay.test:alice@local.test>');
    await c.cmd('RCPT TO:<@local.test:user@remote.test>');
    await c.cmd('DATA');
    c.write('Subject: r\r\n\r\nx\r\n.\r\n');
    expect((await c.reply()).code).toBe(250);
    expect(trusted.sink.last!.envelope.recipients).toEqual([
      { address: 'alice@local.test', local: true },
      { address: 'user@remote.test', local: false },
    ]);
  });
});
