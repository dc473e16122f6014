// Tests of the inbound SPF/DKIM/DMARC checks against a DNS table: pass, fail, and who is not checked.
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { createLogger } from '@mail/log';
import { NetworkList } from '@mail/net';
import type { DeliverJob } from '@mail/queue';
import { dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { authenticationFields, checkResolver, isAuthservId, needsChecks, type InboundChecks } from './authres.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const dns: Record<string, string[][]> = {
  'TXT sender.test': [['v=spf1 ip4:192.0.2.10 -all']],
  'TXT s1._domainkey.sender.test': [[`v=DKIM1; k=rsa; p=${publicBase64}`]],
  'TXT _dmarc.sender.test': [['v=DMARC1; p=reject']],
};

const checks: InboundChecks = {
  hostname: 'mx.suite.test',
  trusted: new NetworkList(['127.0.0.0/8', '::1/128']),
  resolver: async (name, rrtype) => {
    const answer = dns[`${rrtype} ${name}`];
    if (answer) return answer;
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  },
};

const log = createLogger('test', { level: 'silent' });

const message = Buffer.from('From: Alice <alice@sender.test>\r\nTo: bob@suite.test\r\nSubject: hello\r\nDate: Thu, 3 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@sender.test>\r\n\r\nHello Bob.\r\n');

function job(clientAddress: string, extra: Partial<DeliverJob['received']> = {}): DeliverJob {
  return {
    v: 1,
    spoolId: 'S1',
    sender: 'alice@sender.test',
    recipients: [{ address: 'bob@suite.test' }],
    received: { at: '2026-12-03T10:00:00.000Z', clientAddress, helo: 'mail.sender.test', protocol: 'ESMTP', ...extra },
    size: message.length,
    smtputf8: false,
    eightBitMime: false,
  } as DeliverJob;
}

async function signed(): Promise<Buffer> {
  const signature = { signingDomain: 'sender.test', selector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) };
  const { signatures } = await dkimSign(message, { ...signature, signatureData: [signature] });
  expect(signatures).toMatch(/^DKIM-Signature:/);
  return Buffer.concat([Buffer.from(signatures), message]);
}

describe('inbound SPF, DKIM and DMARC', () => {
  it('records pass for a signed message from an address the SPF record allows', async () => {
    const body = await signed();
    const fields = (await authenticationFields(checks, job('192.0.2.10'), () => Readable.from([body]), '\r\n', log)).toString();
    expect(fields).toMatch(/^Authentication-Results: mx\.suite\.test;/m);
    expect(fields).toMatch(/spf=pass/);
    expect(fields, fields).toMatch(/dkim=pass[^;]*header\.[di]=@?sender\.test/);
    expect(fields).toMatch(/dmarc=pass/);
    expect(fields).toMatch(/^Received-SPF: pass/m);
    expect(fields.endsWith('\r\n')).toBe(true);
  });

  it('records fail for an unsigned message from elsewhere, with LF line ends for an LF message', async () => {
    const fields = (await authenticationFields(checks, job('198.51.100.7'), () => Readable.from([message]), '\n', log)).toString();
    expect(fields).toMatch(/spf=fail/);
    expect(fields).toMatch(/dkim=none/);
    expect(fields).toMatch(/dmarc=fail/);
    expect(fields).not.toContain('\r');
  });

  it('does not check authenticated senders, trusted networks or mail the suite made', () => {
    expect(needsChecks(checks, job('192.0.2.10').received)).toBe(true);
    expect(needsChecks(checks, job('192.0.2.10', { authUser: 'alice@suite.test' }).received)).toBe(false);
    expect(needsChecks(checks, job('127.0.0.1').received)).toBe(false);
    expect(needsChecks(checks, job('::ffff:127.0.0.1').received)).toBe(false);
    expect(needsChecks(checks, job('localhost', { protocol: 'local' }).received)).toBe(false);
  });

  it('delivers without the fields when the checker fails', async () => {
    const broken = { ...checks, resolver: () => Promise.reject(new Error('resolver exploded')) };
    const fields = await authenticationFields(broken, job('192.0.2.10'), () => { throw new Error('spool gone'); }, '\r\n', log);
    expect(fields.length).toBe(0);
  });

  it('recognises results that claim to come from this host', () => {
    expect(isAuthservId('mx.suite.test; dkim=pass header.d=sender.test', 'mx.suite.test')).toBe(true);
    expect(isAuthservId('MX.Suite.Test;\n spf=pass', 'mx.suite.test')).toBe(true);
    expect(isAuthservId('(forged) mx.suite.test 1; none', 'mx.suite.test')).toBe(true);
    expect(isAuthservId('mx.other.test; dkim=pass', 'mx.suite.test')).toBe(false);
    expect(isAuthservId('mx.suite.test.evil; dkim=pass', 'mx.suite.test')).toBe(false);
  });

  it('asks the DNS once for a name within a minute, failures included', async () => {
    const resolve = checkResolver(['127.0.0.1:9']); // nothing listens there: every lookup fails at once
    const first = resolve('sender.test', 'TXT');
    expect(resolve('SENDER.test', 'TXT')).toBe(first);
    expect(resolve('sender.test', 'MX')).not.toBe(first);
    await expect(first).rejects.toThrow();
  });
});
