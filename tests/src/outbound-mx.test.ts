// Two complete suites find each other through MX records: a.test (MX on 127.0.0.2:25) and b.test (127.0.0.3:25),
// each with its own Redis, smtpd, mda and queue-runner; a loopback dnsmasq publishes MX, A and DKIM TXT records.
// A user of each domain submits (STARTTLS + AUTH) to a user of the other; the message arrives DKIM-signed.
import { dkimVerify, type DNSResolver } from 'mailauth';
import { freePort } from '@mail/testing';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDns, startSuite, type DnsServer, type Suite } from './suite.js';
import { waitFor } from './support.js';

const A_USERS = { 'alice@a.test': 'alice-A-Secret-1' };
const B_USERS = { 'bob@b.test': 'bob-B-Secret-2' };

let dns: DnsServer | undefined;
let a: Suite | undefined;
let b: Suite | undefined;
let resolver: DNSResolver;

beforeAll(async () => {
  // The suites are configured with the DNS port and the DNS server publishes their DKIM keys: pick the port first,
  // start the server once the keys exist, and send only after it answers.
  const dnsPort = await freePort();
  const servers = [`127.0.0.1:${dnsPort}`];
  a = await startSuite({ domain: 'a.test', users: A_USERS, mxHost: '127.0.0.2', mxPort: 25, dnsServers: servers });
  b = await startSuite({ domain: 'b.test', users: B_USERS, mxHost: '127.0.0.3', mxPort: 25, dnsServers: servers });
  dns = await startDns(
    {
      mx: { 'a.test': 'mx.a.test', 'b.test': 'mx.b.test' },
      a: { 'mx.a.test': '127.0.0.2', 'mx.b.test': '127.0.0.3' },
      txt: { [a.dkim.name]: a.dkim.strings, [b.dkim.name]: b.dkim.strings },
    },
    dnsPort,
  );
  const r = dns.resolver;
  resolver = async (name, rrtype) => {
    if (rrtype === 'TXT') return r.resolveTxt(name);
    if (rrtype === 'MX') return (await r.resolveMx(name)).map((m) => m.exchange);
    return r.resolve(name, rrtype as 'A');
  };
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await dns?.stop();
});

async function submit(from: Suite, user: string, password: string, to: string, subject: string, marker: string): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: from.ports.submission, requireTLS: true, auth: { user, pass: password }, tls: { rejectUnauthorized: false }, name: `client.${from.domain}` });
  try {
    const info = await t.sendMail({ from: user, to, subject, text: `${marker}\n` });
    return info.messageId;
  } finally {
    t.close();
  }
}

async function arrived(to: Suite, localPart: string, marker: string): Promise<string> {
  await waitFor(async () => (await to.delivered(localPart, marker)).length > 0, 45_000, () => `no message with ${marker} for ${localPart}@${to.domain}`);
  const files = await to.delivered(localPart, marker);
  expect(files).toHaveLength(1);
  return files[0]!;
}

async function expectDkimPass(message: string, domain: string): Promise<void> {
  const result = await dkimVerify(Buffer.from(message), { resolver });
  const mine = result.results.filter((r) => r.signingDomain === domain);
  expect(mine, JSON.stringify(result.results)).toHaveLength(1);
  expect(mine[0]!.status.result, mine[0]!.info).toBe('pass');
  expect(mine[0]!.selector).toBe('mail');
}

describe('two suites delivering to each other by MX', () => {
  it('the DNS server publishes both domains', async () => {
    expect(await dns!.resolver.resolveMx('b.test')).toEqual([{ exchange: 'mx.b.test', priority: 10 }]);
    expect(await dns!.resolver.resolve4('mx.a.test')).toEqual(['127.0.0.2']);
    expect((await dns!.resolver.resolveTxt(a!.dkim.name))[0]!.join('')).toMatch(/^v=DKIM1; k=rsa; p=/);
  });

  it('alice@a.test → bob@b.test arrives signed by a.test, and bob’s reply arrives signed by b.test', async () => {
    const messageId = await submit(a!, 'alice@a.test', A_USERS['alice@a.test'], 'bob@b.test', 'hello from a', 'marker-mx-ab');
    const atB = await arrived(b!, 'bob', 'marker-mx-ab');
    expect(atB).toMatch(/^Return-Path: <alice@a\.test>\r?\nDelivered-To: bob@b\.test\r?\n/);
    // B's MX received it from A's queue-runner (EHLO mx.a.test), over STARTTLS, which B offers and A uses when offered.
    expect(atB).toMatch(/^Received: from mx\.a\.test \(unknown \[127\.0\.0\.1\]\)\r?\n\s+\(using TLS[^\r\n]*\r?\n\s+by mx\.b\.test with ESMTPS id /m);
    expect(atB).toContain(`Message-ID: ${messageId}`);
    expect(atB).toMatch(/^DKIM-Signature: .*d=a\.test/m);
    await expectDkimPass(atB, 'a.test');

    const replyId = await submit(b!, 'bob@b.test', B_USERS['bob@b.test'], 'alice@a.test', 'Re: hello from a', 'marker-mx-ba');
    const atA = await arrived(a!, 'alice', 'marker-mx-ba');
    expect(atA).toMatch(/^Return-Path: <bob@b\.test>\r?\nDelivered-To: alice@a\.test\r?\n/);
    expect(atA).toContain(`Message-ID: ${replyId}`);
    await expectDkimPass(atA, 'b.test');
  }, 90_000);
});
