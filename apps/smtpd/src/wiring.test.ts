// The adapters to @mail/auth: recipient checks and sender ownership over a real (in-memory) directory, and SASL
// PLAIN through the real mechanisms and password schemes.
import { describe, expect, it } from 'vitest';
import { createLogger } from '@mail/log';
import { hashPassword, MemoryDirectory } from '@mail/auth';
import { directoryPolicy, directorySasl } from './wiring.js';

async function directory(): Promise<MemoryDirectory> {
  const d = new MemoryDirectory({ configDomains: ['local.test'] });
  await d.addDomain('catch.test');
  await d.addAccount({ address: 'alice@local.test', passwordHash: await hashPassword('pw-alice', 'SHA512-CRYPT') });
  await d.addAccount({ address: 'bob@local.test', passwordHash: await hashPassword('pw-bob', 'SHA512-CRYPT') });
  await d.addAlias('info@local.test', ['alice@local.test']);
  await d.addAlias('@catch.test', ['alice@local.test']);
  return d;
}

describe('directoryPolicy', () => {
  it('answers local domains, recipients, aliases, catch-alls and plus-addresses', async () => {
    const p = directoryPolicy(await directory());
    expect(await p.isLocalDomain('local.test')).toBe(true);
    expect(await p.isLocalDomain('remote.test')).toBe(false);
    expect(await p.resolve('alice@local.test')).toBe('local');
    expect(await p.resolve('Alice+tag@local.test')).toBe('local');
    expect(await p.resolve('info@local.test')).toBe('local');
    expect(await p.resolve('anything@catch.test')).toBe('local');
    expect(await p.resolve('nobody@local.test')).toBe('unknown');
  });

  it('lets an account send as itself and its aliases only', async () => {
    const p = directoryPolicy(await directory());
    expect(await p.ownsSender('alice@local.test', 'alice@local.test')).toBe(true);
    expect(await p.ownsSender('alice@local.test', 'info@local.test')).toBe(true);
    expect(await p.ownsSender('bob@local.test', 'info@local.test')).toBe(false);
    expect(await p.ownsSender('bob@local.test', 'alice@local.test')).toBe(false);
    expect(await p.expand?.('info@local.test')).toEqual(['alice@local.test']);
    expect(await p.expand?.('alice@local.test')).toBeUndefined();
  });
});

describe('directorySasl', () => {
  const log = createLogger('test', { level: 'silent' });
  it('offers PLAIN and LOGIN only under TLS, on loopback, or when allowed', async () => {
    const s = directorySasl(await directory(), 'mx.test', log);
    expect(s.mechanisms({ ip: '192.0.2.1', tls: false, loopback: false, allowInsecure: false })).toEqual([]);
    expect(s.mechanisms({ ip: '192.0.2.1', tls: true, loopback: false, allowInsecure: false })).toEqual(['PLAIN', 'LOGIN']);
    expect(s.mechanisms({ ip: '127.0.0.1', tls: false, loopback: true, allowInsecure: false })).toEqual(['PLAIN', 'LOGIN']);
  });

  it('offers exactly the mechanisms auth.mechanisms enables', async () => {
    const s = directorySasl(await directory(), 'mx.test', log, undefined, ['CRAM-MD5', 'SCRAM-SHA-256']);
    expect(s.mechanisms({ ip: '192.0.2.1', tls: true, loopback: false, allowInsecure: false })).toEqual(['SCRAM-SHA-256', 'CRAM-MD5']);
  });

  it('verifies PLAIN credentials against the stored hash', async () => {
    const s = directorySasl(await directory(), 'mx.test', log);
    const client = { ip: '192.0.2.1', tls: true, loopback: false, allowInsecure: false };
    const good = await s.create('PLAIN', client)!.start(Buffer.from('\0alice@local.test\0pw-alice'));
    expect(good).toMatchObject({ kind: 'success', authcid: 'alice@local.test' });
    const bad = await s.create('PLAIN', client)!.start(Buffer.from('\0alice@local.test\0nope'));
    expect(bad).toMatchObject({ kind: 'failure' });
  });
});
