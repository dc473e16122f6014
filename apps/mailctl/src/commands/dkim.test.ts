// mailctl dkim generate: key files (mode 0600, never overwritten without --force) and the TXT record to publish.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../command.js';
import { run } from '../cli-run.js';

let dir: TempDir;
let configFile: string;
beforeEach(async () => {
  dir = await tempDir('mailctl-dkim-');
  configFile = join(dir.path, 'mail.yaml');
  await writeFile(configFile, `paths:\n  dkim: ${join(dir.path, 'keys')}\nqueueRunner:\n  dkimSelector: default2026\n`);
});
afterEach(async () => dir.cleanup());

function io(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env: {} }, out, err };
}

/** The public key a published record names. */
function keyFromRecord(record: string): ReturnType<typeof createPublicKey> {
  const value = [...record.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');
  const k = /k=(rsa|ed25519)/.exec(value)![1];
  const p = Buffer.from(/p=([A-Za-z0-9+/=]+)/.exec(value)![1]!, 'base64');
  const der = k === 'ed25519' ? Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), p]) : p;
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

describe('mailctl dkim generate', () => {
  it('writes an RSA key with the configured selector and prints its record', async () => {
    const t = io();
    expect(await run(['dkim', 'generate', 'Example.COM', '--config', configFile], t.io)).toBe(0);
    const file = join(dir.path, 'keys', 'example.com.default2026.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(t.out).toHaveLength(1);
    const record = t.out[0]!;
    expect(record).toMatch(/^default2026\._domainkey\.example\.com IN TXT "v=DKIM1; k=rsa; p=[A-Za-z0-9+/]/);
    // Every string of the record fits the 255-octet limit of a TXT character-string.
    for (const m of record.matchAll(/"([^"]*)"/g)) expect(m[1]!.length).toBeLessThanOrEqual(255);
    const priv = createPrivateKey(await readFile(file, 'utf8'));
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const sig = sign('sha256', Buffer.from('x'), priv);
    expect(verify('sha256', Buffer.from('x'), keyFromRecord(record), sig)).toBe(true);
  });

  it('writes an Ed25519 key whose record carries the bare public key (RFC 8463)', async () => {
    const t = io();
    expect(await run(['dkim', 'generate', 'example.org', '--selector', 'ed', '--algorithm', 'ed25519', '--config', configFile], t.io)).toBe(0);
    const record = t.out[0]!;
    expect(record).toMatch(/^ed\._domainkey\.example\.org IN TXT "v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}="$/);
    const priv = createPrivateKey(await readFile(join(dir.path, 'keys', 'example.org.ed.key'), 'utf8'));
    const sig = sign(null, Buffer.from('y'), priv);
    expect(verify(null, Buffer.from('y'), keyFromRecord(record), sig)).toBe(true);
  });

  it('never replaces a key without --force', async () => {
    expect(await run(['dkim', 'generate', 'example.net', '--selector', 's', '--bits', '1024', '--config', configFile], io().io)).toBe(0);
    const file = join(dir.path, 'keys', 'example.net.s.key');
    const first = await readFile(file, 'utf8');
    const t = io();
    expect(await run(['dkim', 'generate', 'example.net', '--selector', 's', '--bits', '1024', '--config', configFile], t.io)).toBe(73);
    expect(t.err.join('\n')).toMatch(/exists; use --force/);
    expect(await readFile(file, 'utf8')).toBe(first);
    expect(await run(['dkim', 'generate', 'example.net', '--selector', 's', '--bits', '1024', '--force', '--config', configFile], io().io)).toBe(0);
    expect(await readFile(file, 'utf8')).not.toBe(first);
  });

  it.each([
    [['dkim'], 64],
    [['dkim', 'generate'], 64],
    [['dkim', 'generate', 'example.com', '--algorithm', 'dsa'], 64],
    [['dkim', 'generate', 'example.com', '--bits', '512'], 64],
    [['dkim', 'generate', 'example.com', '--algorithm', 'ed25519', '--bits', '2048'], 64],
    [['dkim', 'generate', 'not a domain'], 65],
    [['dkim', 'generate', 'example.com', '--selector', '../etc'], 65],
    [['dkim', 'generate', 'example.com', '--bogus'], 64],
  ])('%j exits with %i', async (args, code) => {
    const t = io();
    expect(await run([...args, '--config', configFile], t.io)).toBe(code);
    expect(t.out).toEqual([]);
  });
});
