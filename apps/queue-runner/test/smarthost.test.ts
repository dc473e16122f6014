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

  it('passes the submitter on with AUTH= (xtext) to the smarthost it authenticated to, and AUTH=<> when none is known (RFC 4954 §5)', async () => {
    const s = await server({ extensions: ['PIPELINING', 'SIZE 1000000', 'DSN'], tls, requireTls: true, auth: { user: 'relay-user', password: 'pw' } });
    const h = await setup({ queueRunner: { relayhost: `[127.0.0.1]:${s.port}` }, sasl: `[127.0.0.1]:${s.port} relay-user:pw\n` });
    const known = await h.submit(message('a1'), { recipients: [{ address: 'bob@remote.test' }], auth: 'alice+list=x@local.test', dsn: { envid: 'E1' } });
    const unknown = await h.submit(message('a2'), { recipients: [{ address: 'bob@remote.test' }], auth: null });
    const old = await h.submit(message('a3'), { recipients: [{ address: 'bob@remote.test' }] });
    for (const id of [known, unknown, old]) expect((await h.settled(id)).recipients[0]!.status).toBe('delivered');
    const params = (id: string): string => s.received.find((r) => r.messageId === `<${id}@local.test>`)!.mailParams;
    expect(params('a1')).toMatch(/^SIZE=\d+ ENVID=E1 AUTH=alice\+2Blist\+3Dx@local\.test$/);
    expect(params('a2')).toMatch(/^SIZE=\d+ AUTH=<>$/);
    // A job queued before jobs carried auth: the submitter is not known.
    expect(params('a3')).toMatch(/^SIZE=\d+ AUTH=<>$/);
    expect(s.commands.filter((c) => c.startsWith('MAIL FROM:<alice@local.test>'))).toHaveLength(3);
  });

  it('sends no AUTH= to a next hop it did not authenticate to, even one that offers AUTH', async () => {
    const mx = await server({ extensions: ['PIPELINING', 'AUTH PLAIN LOGIN', '8BITMIME'] });
    const h = await setup({ queueRunner: { transport: { 'remote.test': `smtp:[127.0.0.1]:${mx.port}` } } });
    const id = await h.submit(message('a4'), { recipients: [{ address: 'bob@remote.test' }], auth: 'alice@local.test' });
    expect((await h.settled(id)).recipients[0]!.status).toBe('delivered');
    expect(mx.commands.some((c) => c.startsWith('AUTH'))).toBe(false);
    const mail = mx.commands.find((c) => c.startsWith('MAIL FROM:'))!;
    expect(mail).toBe('MAIL FROM:<alice@local.test>');
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
    const id = await h.submit(message('l1'), { recipients: [{ address: 'dan@hosted.test', notify: ['FAILURE'] }], auth: 'alice@local.test' });
    const job = await h.settled(id);
    expect(job.recipients[0]!.status).toBe('delivered');
    const [local] = await waitFor(async () => {
      const r = await h.localReports();
      return r.length > 0 ? r : undefined;
    });
    expect(local!.job.sender).toBe('alice@local.test');
    expect(local!.job.recipients.map((r) => r.address)).toEqual(['dan@hosted.test']);
    expect(local!.text).toContain('Message-ID: <l1@local.test>');
    expect(((await h.admin.get(local!.job.id))?.data as { auth?: unknown }).auth).toBe('alice@local.test');
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
