// Relayhost with STARTTLS and AUTH, TLS policy, local hand-back through the transport map, and DKIM signatures.
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureSelfSigned } from '@mail/tls';
import { tempDir } from '@mail/testing';
import { harness, message, waitFor, type Harness, type HarnessOptions } from './support/harness.js';
import { startSmtpServer, type ServerScript, type TestSmtpServer } from './support/smtp-server.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

let tls: { key: string; cert: string };
beforeAll(async () => {
  const dir = await tempDir('qr-tls-');
  open.push({ close: dir.cleanup });
  const pair = await ensureSelfSigned(dir.path, 'localhost');
  tls = { key: await readFile(pair.keyFile, 'utf8'), cert: await readFile(pair.certFile, 'utf8') };
  open.pop();
  await dir.cleanup();
});

async function server(script: ServerScript): Promise<TestSmtpServer> {
  const s = await startSmtpServer(script);
  open.push(s);
  return s;
}

async function setup(options: Partial<HarnessOptions> & { sasl?: string }): Promise<Harness> {
  const dir = await tempDir('qr-sasl-');
  open.push({ close: dir.cleanup });
  const queueRunner = { ...options.queueRunner };
  if (options.sasl !== undefined) {
    const file = join(dir.path, 'sasl_passwd');
    await writeFile(file, options.sasl, { mode: 0o600 });
    queueRunner.saslPasswords = file;
  }
  const h = await harness({ zones: { 'remote.test': { A: ['127.0.0.1'] }, ...options.zones }, queueRunner, ...(options.start ? { start: options.start } : {}) });
  open.push(h);
  return h;
}

describe('relayhost', () => {
  it('relays through a smarthost that requires STARTTLS and AUTH', async () => {
    const s = await server({ extensions: ['PIPELINING', '8BITMIME'], tls, requireTls: true, auth: { user: 'relay-user', password: 'pa:ss word' } });
    const h = await setup({ queueRunner: { relayhost: `[127.0.0.1]:${s.port}` }, sasl: `[127.0.0.1]:${s.port} relay-user:pa:ss word\n` });
    const id = await h.submit(message('r1'), { recipients: [{ address: 'bob@remote.test' }, { address: 'carol@elsewhere.test' }] });
    const job = await h.settled(id);
    expect(job.recipients.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]).toMatchObject({ tls: true, authUser: 'relay-user', to: ['bob@remote.test', 'carol@elsewhere.test'] });
  });

  it('defers with a clear error when the password is wrong, and never shows the password', async () => {
    const s = await server({ tls, requireTls: true, auth: { user: 'relay-user', password: 'right' } });
    const h = await setup({ queueRunner: { relayhost: `[127.0.0.1]:${s.port}` }, sasl: `[127.0.0.1]:${s.port} relay-user:wrong-secret\n` });
    const id = await h.submit(message('r2'), { recipients: [{ address: 'bob@remote.test' }] });
    const job = await waitFor(async () => {
      const j = await h.job(id);
      return j?.recipients[0]?.status === 'deferred' ? j : undefined;
    });
    expect(job.state).toMatch(/delayed|waiting|active/);
    const r = job.recipients[0]!;
    expect(r.lastError).toContain('authentication as relay-user failed: 535 5.7.8 Authentication credentials invalid');
    expect(JSON.stringify(job)).not.toContain('wrong-secret');
    expect(s.received).toHaveLength(0);
  });

  it('never puts a credential into lastError, even when the connection drops in the middle of AUTH LOGIN', async () => {
    const secret = Buffer.from('pw-secret').toString('base64');
    const s = await server({ tls, auth: { user: 'u', password: 'pw-secret' }, authMechanisms: 'LOGIN', onLine: (l) => (l === secret ? 'drop' : undefined) });
    const h = await setup({ queueRunner: { relayhost: `[127.0.0.1]:${s.port}` }, sasl: `[127.0.0.1]:${s.port} u:pw-secret\n` });
    const id = await h.submit(message('r4'), { recipients: [{ address: 'bob@remote.test' }] });
    const job = await waitFor(async () => {
      const j = await h.job(id);
      return j?.recipients[0]?.status === 'deferred' ? j : undefined;
    });
    expect(s.commands).toContain(secret);
    expect(job.recipients[0]!.lastError).toMatch(/after AUTH/);
    expect(JSON.stringify(job)).not.toContain(secret);
    expect(JSON.stringify(job)).not.toContain('pw-secret');
  });

  it('refuses to relay in clear text when the smarthost offers no STARTTLS', async () => {
    const s = await server({ extensions: ['PIPELINING'] });
    const h = await setup({ queueRunner: { relayhost: `[127.0.0.1]:${s.port}` } });
    const id = await h.submit(message('r3'), { recipients: [{ address: 'bob@remote.test' }] });
    const job = await waitFor(async () => {
      const j = await h.job(id);
      return j?.recipients[0]?.status === 'deferred' ? j : undefined;
    });
    expect(job.recipients[0]!.lastError).toMatch(/TLS is required/);
    expect(s.commands.some((c) => c.startsWith('MAIL'))).toBe(false);
  });
});

describe('TLS policy and transports', () => {
  it('uses STARTTLS opportunistically and requires it where tlsPolicy says encrypt', async () => {
    const withTls = await server({ tls });
    const plain = await server({});
    const h = await setup({
      zones: { 'plain.test': { A: ['127.0.0.1'] } },
      queueRunner: { transport: { 'remote.test': `smtp:[127.0.0.1]:${withTls.port}`, 'plain.test': `smtp:[127.0.0.1]:${plain.port}` }, tlsPolicy: { 'plain.test': 'encrypt' } },
    });
    const a = await h.submit(message('t1'), { recipients: [{ address: 'bob@remote.test' }] });
    const b = await h.submit(message('t2'), { recipients: [{ address: 'bob@plain.test' }] });
    expect((await h.settled(a)).recipients[0]!.status).toBe('delivered');
    expect(withTls.received[0]!.tls).toBe(true);
    const deferred = await waitFor(async () => {
      const j = await h.job(b);
      return j?.recipients[0]?.status === 'deferred' ? j : undefined;
    });
    expect(deferred.recipients[0]!.lastError).toMatch(/TLS is required/);
    expect(plain.received).toHaveLength(0);
  });

  it('hands recipients routed "local" back to the deliver queue', async () => {
    const h = await setup({ queueRunner: { transport: { 'hosted.test': 'local' } } });
    const id = await h.submit(message('l1'), { recipients: [{ address: 'dan@hosted.test', notify: ['FAILURE'] }] });
    const job = await h.settled(id);
    expect(job.recipients[0]!.status).toBe('delivered');
    const [local] = await waitFor(async () => {
      const r = await h.localReports();
      return r.length > 0 ? r : undefined;
    });
    expect(local!.job.sender).toBe('alice@local.test');
    expect(local!.job.recipients.map((r) => r.address)).toEqual(['dan@hosted.test']);
    expect(local!.text).toContain('Message-ID: <l1@local.test>');
  });
});

describe('DKIM', () => {
  it.each(['rsa', 'ed25519'] as const)('signs with the %s key of the From domain; the signature verifies', async (type) => {
    const keys = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
    const p = type === 'rsa' ? spki.toString('base64') : spki.subarray(spki.length - 32).toString('base64');
    const txt = `v=DKIM1; k=${type}; p=${p}`;
    const s = await server({ extensions: ['PIPELINING', '8BITMIME'] });
    const h = await setup({ queueRunner: { transport: { '*': `smtp:[127.0.0.1]:${s.port}` }, dkimSelector: 'sel1' } });
    await writeFile(join(h.config.paths.dkim, 'local.test.sel1.key'), pem, { mode: 0o600 });
    const id = await h.submit(message('d1', 'Subject2: x\r\n'), { recipients: [{ address: 'bob@remote.test' }] });
    await h.settled(id);
    const data = s.received[0]!.data;
    expect(data.toString()).toMatch(/^DKIM-Signature: v=1; a=(rsa|ed25519)-sha256; c=relaxed\/relaxed; d=local\.test;/);
    const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
      if (rrtype === 'TXT' && name === 'sel1._domainkey.local.test') return [[txt]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const result = await dkimVerify(data, { resolver });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]!.status.result).toBe('pass');
    expect(result.results[0]!.signingDomain).toBe('local.test');
  });

  it('leaves mail from a domain without a key unsigned', async () => {
    const s = await server({});
    const h = await setup({ queueRunner: { transport: { '*': `smtp:[127.0.0.1]:${s.port}` } } });
    const id = await h.submit(message('d2'), { recipients: [{ address: 'bob@remote.test' }] });
    await h.settled(id);
    expect(s.received[0]!.data.toString()).not.toContain('DKIM-Signature');
  });
});
