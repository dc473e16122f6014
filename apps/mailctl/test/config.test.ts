// mailctl config check|show, run in-process on the example files and on broken copies of them.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, type TempDir } from '@mail/testing';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli-run.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLES = join(REPO, 'examples');
const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

interface Result {
  code: number;
  out: string;
  err: string;
}

async function mailctl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (t) => out.push(t), err: (t) => err.push(t), stdin: async () => '', env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir('mailctl-config-');
});
afterAll(async () => {
  await dir.cleanup();
});

/** A copy of an example with `edit` applied to its text, in a directory of its own. */
function brokenCopy(example: string, edit: (text: string) => string, name: string): string {
  const sub = join(dir.path, name);
  mkdirSync(sub, { recursive: true });
  const file = join(sub, example);
  writeFileSync(file, edit(readFileSync(join(EXAMPLES, example), 'utf8')));
  return file;
}

describe('mailctl config check', () => {
  it('finds both example files', () => {
    expect(exampleFiles).toEqual(expect.arrayContaining(['dev.yaml', 'mail.yaml']));
  });

  it.each(exampleFiles)('passes on examples/%s', async (example) => {
    const file = join(EXAMPLES, example);
    const result = await mailctl(['config', 'check', '--config', file]);
    expect(result).toEqual({ code: 0, out: `${file}: ok`, err: '' });
  });

  it('reads MAIL_CONFIG when --config is not given', async () => {
    const file = join(EXAMPLES, 'dev.yaml');
    expect(await mailctl(['config', 'check'], { MAIL_CONFIG: file })).toEqual({ code: 0, out: `${file}: ok`, err: '' });
  });

  it.each([
    ['mail.yaml', (t: string) => t.replace('  banner: ESMTP', '  banner: ESMTP\n  maxErorrs: 5'), 'smtpd.maxErorrs: unknown key (did you mean smtpd.maxErrors?)'],
    ['mail.yaml', (t: string) => t.replace('messageSize: 50M', 'messageSize: fifty'), 'limits.messageSize: a size such as 512K, 25M or 1G, got "fifty"'],
    ['mail.yaml', (t: string) => t.replace('port: 993, tls: implicit', 'port: 993, tls: always'), 'imapd.listeners.1.tls: expected one of: none, starttls, implicit, got "always"'],
    ['dev.yaml', (t: string) => t.replace('port: 10143', 'port: 101430'), 'imapd.listeners.0.port: a port from 1 to 65535, got 101430'],
    ['dev.yaml', (t: string) => t.replace('selfSigned: true', 'selfSigned: yes'), 'tls.selfSigned: expected true or false, got "yes"'],
    ['dev.yaml', (t: string) => t.replace('paths:', 'path:'), 'path: unknown key (did you mean paths?)'],
  ])('fails with status 78 on a broken copy of %s, naming the file and the key (%#)', async (example, edit, message) => {
    const file = brokenCopy(example, edit, `broken-${message.split(':')[0]}`);
    const result = await mailctl(['config', 'check', '--config', file]);
    expect(result.code).toBe(78);
    expect(result.out).toBe('');
    expect(result.err).toMatch(new RegExp(`^${escape(`${file}: ${message}`)} \\(line \\d+\\)$`));
  });

  it('fails with status 78 on a YAML syntax error, naming the file and the line', async () => {
    const file = brokenCopy('mail.yaml', (t) => t.replace('hostname: mail.example.org', 'hostname: mail.example.org: x'), 'syntax');
    const result = await mailctl(['config', 'check', '--config', file]);
    expect(result.code).toBe(78);
    expect(result.err).toMatch(new RegExp(`^${escape(file)}: line 8, column \\d+: YAML syntax error: `));
  });

  it('names the environment variable that is wrong', async () => {
    const result = await mailctl(['config', 'check', '--config', join(EXAMPLES, 'dev.yaml')], { MAIL_SMTPD__MAX_ERRORS: 'lots' });
    expect(result).toEqual({ code: 78, out: '', err: 'environment MAIL_SMTPD__MAX_ERRORS: smtpd.maxErrors: expected a number, got "lots"' });
  });

  it('fails with status 78 on a missing file', async () => {
    const file = join(dir.path, 'absent.yaml');
    const result = await mailctl(['config', 'check', '--config', file]);
    expect(result.code).toBe(78);
    expect(result.err).toContain(`${file}: cannot read: ENOENT`);
  });

  it.each([[['config']], [['config', 'frobnicate']], [['config', 'check', 'extra']], [['config', 'check', '--config']], [['config', 'check', '--all']]])(
    'refuses %j with status 64',
    async (args) => {
      const result = await mailctl(args);
      expect(result.code).toBe(64);
      expect(result.err).toContain('usage: mailctl config check|show');
    },
  );
});

describe('mailctl config show', () => {
  it('prints only the keys that differ from the defaults, with units', async () => {
    const result = await mailctl(['config', 'show', '--config', join(EXAMPLES, 'mail.yaml')]);
    expect(result.code).toBe(0);
    expect(parse(result.out)).toEqual({
      hostname: 'mail.example.org',
      domains: ['example.org'],
      tls: { cert: '/etc/mail/tls/fullchain.pem', key: '/etc/mail/tls/privkey.pem' },
      queueRunner: { retrySchedule: { delayWarning: '4h' } },
    });
  });

  it('shows relative paths of the dev example resolved against its directory', async () => {
    const result = await mailctl(['config', 'show', '--config', join(EXAMPLES, 'dev.yaml')], { MAIL_REDIS__URL: 'redis://127.0.0.1:16379/0' });
    const shown = parse(result.out) as Record<string, Record<string, unknown>>;
    expect(shown.paths).toEqual({
      data: join(REPO, 'var/data'),
      mailboxes: join(REPO, 'var/mail/%d/%n/Maildir'),
      users: join(REPO, 'var/etc/users'),
      domains: join(REPO, 'var/etc/domains'),
      aliases: join(REPO, 'var/etc/aliases'),
      virtual: join(REPO, 'var/etc/virtual'),
      dkim: join(REPO, 'var/etc/dkim'),
    });
    expect(shown.redis).toEqual({ url: 'redis://127.0.0.1:16379/0' });
    expect(shown.hostname).toBeUndefined();
    expect(shown.domains).toBeUndefined(); // example.test lives in the domains file (scripts/start.sh)
    expect(shown.tls).toEqual({ selfSigned: true });
    const ports = (['smtpd', 'pop3d', 'imapd'] as const).flatMap((d) => (shown[d]!.listeners as { host: string; port: number; tls: string }[]).map((l) => `${d} ${l.host}:${l.port} ${l.tls}`));
    expect(ports).toEqual([
      'smtpd 127.0.0.1:10025 starttls',
      'smtpd 127.0.0.1:10587 starttls',
      'smtpd 127.0.0.1:10465 implicit',
      'pop3d 127.0.0.1:10110 starttls',
      'pop3d 127.0.0.1:10995 implicit',
      'imapd 127.0.0.1:10143 starttls',
      'imapd 127.0.0.1:10993 implicit',
    ]);
  });

  it('masks passwords, from the file, the environment, a password file and inside URLs', async () => {
    const secret = join(dir.path, 'sentinel-password');
    writeFileSync(secret, 'sentinel-s3cret\n');
    const file = brokenCopy(
      'mail.yaml',
      (t) => t.replace('  url: redis://127.0.0.1:6379/0', `  url: "redis://mail:url-s3cret@127.0.0.1:6379/0"\n  password: file-s3cret\n  sentinel: { name: m, sentinels: [{ host: s, port: 26379 }], passwordFile: ${secret} }`),
      'secrets',
    );
    const result = await mailctl(['config', 'show', '--config', file], { MAIL_REDIS__USERNAME: 'mail' });
    expect(result.code).toBe(0);
    expect(result.out).not.toMatch(/s3cret/);
    const shown = parse(result.out) as { redis: Record<string, unknown> & { sentinel: Record<string, unknown> } };
    expect(shown.redis).toMatchObject({ url: 'redis://mail:********@127.0.0.1:6379/0', password: '********', username: 'mail' });
    expect(shown.redis.sentinel).toMatchObject({ password: '********', passwordFile: secret });
  });

  it('--all prints every key, defaults included', async () => {
    const result = await mailctl(['config', 'show', '--all', '--config', join(EXAMPLES, 'mail.yaml')], { MAIL_REDIS__PASSWORD: 'env-s3cret' });
    expect(result.code).toBe(0);
    expect(result.out).not.toContain('env-s3cret');
    const shown = parse(result.out) as Record<string, Record<string, unknown>>;
    expect(shown.redis).toMatchObject({ password: '********', prefix: 'mail' });
    expect(shown.limits).toMatchObject({ messageSize: '50M', lineLength: 8192, idleTimeout: '30m' });
    expect(Object.keys(shown)).toEqual(expect.arrayContaining(['hostname', 'redis', 'paths', 'tls', 'limits', 'log', 'smtpd', 'mda', 'queueRunner', 'pop3d', 'imapd', 'mailctl']));
  });

  it('says so when every key has its default', async () => {
    const file = join(dir.path, 'empty.yaml');
    writeFileSync(file, '# nothing\n');
    expect(await mailctl(['config', 'show', '--config', file])).toEqual({ code: 0, out: '# every key has its default value', err: '' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
