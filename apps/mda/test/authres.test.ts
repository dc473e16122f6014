// The mda checking mail from an untrusted client: its Authentication-Results go on top, and results that claim to
// come from this host are removed (RFC 8601 §5). The DNS server is a closed port: every lookup fails at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, USER, type Fixture } from './support.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await fixture(
    { users: [USER('bob@example.test')], domains: ['example.test'] },
    { mynetworks: ['127.0.0.0/8'], mda: { dnsServers: ['127.0.0.1:9'] } },
  );
  await fx.start();
});
afterAll(async () => {
  await fx?.stop();
});

it('adds this host\'s results and removes forged ones', async () => {
  const message =
    'Authentication-Results: mx.example.test; dkim=pass header.d=bank.test\r\n' +
    'Authentication-Results: mx.upstream.test; spf=pass smtp.mailfrom=alice@example.org\r\n' +
    'From: Alice <alice@example.org>\r\nSubject: checked\r\nMessage-ID: <checked@example.org>\r\n\r\nHello.\r\n';
  const spoolId = await fx.submit(message, { sender: 'alice@example.org', recipients: [{ address: 'bob@example.test' }] });
  await fx.delivered(spoolId);
  const [stored] = (await fx.messages('bob@example.test')).filter((m) => m.includes('Subject: checked'));
  const text = stored!.toString();
  const ours = text.match(/^Authentication-Results: mx\.example\.test;[^\r]*(\r\n[ \t][^\r]*)*/m)?.[0] ?? '';
  expect(ours).toMatch(/spf=(temperror|none)/);
  expect(ours).not.toContain('bank.test');
  expect(text).not.toContain('dkim=pass header.d=bank.test');
  expect(text).toContain('Authentication-Results: mx.upstream.test; spf=pass');
  expect(text).toMatch(/^Received-SPF: /m);
});
