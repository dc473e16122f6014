// `mailctl up` starts Redis and every daemon, prefixes their logs, and stops them all on SIGINT.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir, type TempDir } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../apps/mailctl/src/up/redis.js';
import { REPO, waitFor } from './support.js';

let dir: TempDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
});

async function devConfig(root: string): Promise<{ file: string; redisPort: number }> {
  const ports = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  const [redisPort, smtp, sub, subs, pop, pops, imap, imaps] = ports as [number, ...number[]];
  const file = join(root, 'mail.yaml');
  writeFileSync(
    file,
    `hostname: localhost
domains: [example.test]
redis: { url: "redis://127.0.0.1:${redisPort}/0" }
paths:
  data: ${root}/data
  mailboxes: ${root}/mail/%d/%n/Maildir
  users: ${root}/etc/users
  domains: ${root}/etc/domains
  aliases: ${root}/etc/aliases
  virtual: ${root}/etc/virtual
  dkim: ${root}/etc/dkim
tls: { selfSigned: true }
log: { level: info }
smtpd:
  listeners:
    - { host: 127.0.0.1, port: ${smtp}, mode: mx, tls: starttls }
    - { host: 127.0.0.1, port: ${sub}, mode: submission, tls: starttls }
    - { host: 127.0.0.1, port: ${subs}, mode: submissions, tls: implicit }
pop3d:
  listeners: [{ host: 127.0.0.1, port: ${pop}, tls: starttls }, { host: 127.0.0.1, port: ${pops}, tls: implicit }]
imapd:
  listeners: [{ host: 127.0.0.1, port: ${imap}, tls: starttls }, { host: 127.0.0.1, port: ${imaps}, tls: implicit }]
`,
  );
  return { file, redisPort };
}

describe('mailctl up', () => {
  it('starts its own Redis and all five daemons, and stops everything on SIGINT', async () => {
    dir = await tempDir();
    const { file, redisPort } = await devConfig(dir.path);
    const env = { ...process.env };
    delete env.MAIL_CONFIG;
    const child = spawn(process.execPath, [join(REPO, 'apps/mailctl/dist/cli.js'), 'up', '--config', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(() => ['smtpd', 'mda', 'queue-runner', 'pop3d', 'imapd'].every((d) => new RegExp(`^${d}\\s*\\|.*started`, 'm').test(output)), 30_000, () => output);
      expect(await redisAnswers('127.0.0.1', redisPort)).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('mailctl up: stopped');
    expect(await redisAnswers('127.0.0.1', redisPort, 300)).toBe(false);
  }, 90_000);

  it('refuses a broken configuration naming the file and the key', async () => {
    dir = await tempDir();
    const file = join(dir.path, 'bad.yaml');
    writeFileSync(file, 'smtpd:\n  maxErrors: lots\n');
    const child = spawn(process.execPath, [join(REPO, 'apps/mailctl/dist/cli.js'), 'up', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(78);
    expect(err).toContain(file);
    expect(err).toContain('smtpd.maxErrors');
  });
});
