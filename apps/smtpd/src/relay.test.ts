import { describe, expect, it } from 'vitest';
import { parsePathOnly, type Path } from './protocol/address.js';
import { decideRelay, routingInLocalPart } from './relay.js';

const LOCAL = new Set(['local.test']);

/** Decision for `path` from a client that is (or is not) authenticated / in mynetworks: local, relay, or the reply code. */
function decide(path: string, who: { auth?: boolean; mynet?: boolean }): string {
  const p = parsePathOnly(path) as Path;
  const d = decideRelay({
    mailbox: p.mailbox,
    localDomain: !p.mailbox.literal && LOCAL.has(p.mailbox.domainAscii),
    authenticated: who.auth ?? false,
    trustedNetwork: who.mynet ?? false,
  });
  return d.kind === 'reject' ? `${d.reply.code} ${d.reply.enhanced}` : d.kind;
}

const anon = {};
const mynet = { mynet: true };
const auth = { auth: true };

const table: Array<[string, typeof anon, string]> = [
  // plain local and remote recipients
  ['<user@local.test>', anon, 'local'],
  ['<user@LOCAL.TEST>', anon, 'local'],
  ['<user@local.test>', auth, 'local'],
  ['<user@remote.test>', anon, '554 5.7.1'],
  ['<user@remote.test>', mynet, 'relay'],
  ['<user@remote.test>', auth, 'relay'],
  ['<user@sub.local.test>', anon, '554 5.7.1'],
  ['<user@[192.0.2.1]>', anon, '554 5.7.1'],
  ['<user@[192.0.2.1]>', auth, 'relay'],
  // source routes are ignored: the final address decides
  ['<@local.test:user@remote.test>', anon, '554 5.7.1'],
  ['<@local.test:user@remote.test>', auth, 'relay'],
  ['<@remote.test:user@local.test>', anon, 'local'],
  ['<@a.test,@local.test:user@remote.test>', anon, '554 5.7.1'],
  // routing hidden in a local part of a local domain: neither local nor relayed
  ['<user%remote.test@local.test>', anon, '554 5.7.1'],
  ['<user%remote.test@local.test>', mynet, '550 5.7.1'],
  ['<user%remote.test@local.test>', auth, '550 5.7.1'],
  ['<"user@remote.test"@local.test>', anon, '554 5.7.1'],
  ['<"user@remote.test"@local.test>', auth, '550 5.7.1'],
  ['<remote.test!user@local.test>', anon, '554 5.7.1'],
  ['<remote.test!user@local.test>', mynet, '550 5.7.1'],
  ['<"remote.test!user"@local.test>', anon, '554 5.7.1'],
  // ...and in a remote domain: relayed only for trusted clients, as any remote address
  ['<user%other.test@remote.test>', anon, '554 5.7.1'],
  ['<user%other.test@remote.test>', auth, 'relay'],
  // quoting that hides nothing is just a local address
  ['<"user"@local.test>', anon, 'local'],
  ['<"first last"@local.test>', anon, 'local'],
];

describe('decideRelay', () => {
  it.each(table)('%s from %o → %s', (path, who, want) => {
    expect(decide(path, who)).toBe(want);
  });

  it('names the address in the refusal', () => {
    const p = parsePathOnly('<x@remote.test>') as Path;
    const d = decideRelay({ mailbox: p.mailbox, localDomain: false, authenticated: false, trustedNetwork: false });
    expect(d.kind === 'reject' && d.reply.lines[0]).toBe('<x@remote.test>: Relay access denied');
  });
});

describe('routingInLocalPart', () => {
  it.each([
    ['user', undefined],
    ['user+tag', undefined],
    ['a%b', '%'],
    ['a!b', '!'],
    ['a@b', '@'],
  ])('%s → %s', (lp, want) => {
    expect(routingInLocalPart(lp)).toBe(want);
  });
});
