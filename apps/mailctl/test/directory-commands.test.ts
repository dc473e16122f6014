// mailctl user, domain and alias, run in-process against a temporary configuration and checked in the files.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyPassword } from '@mail/auth';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli-run.js';

interface Result {
  code: number;
  out: string;
  err: string;
}

let dir: TempDir;
let configFile: string;
const file = (name: string) => join(dir.path, name);

beforeEach(async () => {
  dir = await tempDir('mailctl-directory-');
  configFile = file('mail.yaml');
  await writeFile(
    configFile,
    [
      'domains: [config.test]',
      'paths:',
      `  users: ${file('users')}`,
      `  domains: ${file('domains')}`,
      `  aliases: ${file('aliases')}`,
      `  virtual: ${file('virtual')}`,
      `  mailboxes: ${file('mail')}/%d/%n/Maildir`,
      '',
    ].join('\n'),
  );
});

afterEach(async () => {
  await dir.cleanup();
});

async function mailctl(args: string[], options: { stdin?: string; secrets?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const secrets = options.secrets ? [...options.secrets] : undefined;
  const io = {
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
    stdin: async () => options.stdin ?? '',
    env: options.env ?? { MAIL_CONFIG: configFile },
    ...(secrets && { readSecret: async () => secrets.shift() ?? '' }),
  };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mailctl domain', () => {
  it('adds, lists and deletes domains', async () => {
    expect(await mailctl(['domain', 'add', 'Example.TEST'])).toMatchObject({ code: 0 });
    expect(await mailctl(['domain', 'add', 'lists.test', '--alias', '--config', configFile], { env: {} })).toMatchObject({ code: 0 });
    expect(await readFile(file('domains'), 'utf8')).toBe('example.test\nlists.test alias\n');
    const list = await mailctl(['domain', 'list']);
    expect(list.out.split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['DOMAIN KIND', 'config.test local', 'example.test local', 'lists.test alias']);
    expect(await mailctl(['domain', 'add', 'example.test'])).toMatchObject({ code: 73, err: expect.stringContaining('exists already') });
    expect(await mailctl(['domain', 'add', 'bad_domain'])).toMatchObject({ code: 65 });
    expect(await mailctl(['domain', 'del', 'config.test'])).toMatchObject({ code: 65, err: expect.stringContaining('configuration') });
    expect(await mailctl(['domain', 'del', 'nowhere.test'])).toMatchObject({ code: 67 });
    expect(await mailctl(['domain', 'del', 'lists.test'])).toMatchObject({ code: 0 });
    expect(await readFile(file('domains'), 'utf8')).toBe('example.test\n');
  });

  it('answers usage errors with 64', async () => {
    expect((await mailctl(['domain'])).code).toBe(64);
    expect((await mailctl(['domain', 'add'])).code).toBe(64);
    expect((await mailctl(['domain', 'add', 'a.test', '--bogus'])).code).toBe(64);
  });

  it('reports a bad configuration with 78', async () => {
    await writeFile(configFile, 'nonsense: [\n');
    expect((await mailctl(['domain', 'list'])).code).toBe(78);
  });
});

describe('mailctl user', () => {
  it('adds a user with the password from standard input and shows it without the hash', async () => {
    const add = await mailctl(['user', 'add', 'Alice@CONFIG.test', '--password-stdin', '--quota', '1G'], { stdin: 's3cret pass\nignored\n' });
    expect(add).toMatchObject({ code: 0, out: expect.stringContaining(`${file('mail')}/config.test/Alice/Maildir`) });
    const users = await readFile(file('users'), 'utf8');
    const [line] = users.split('\n');
    expect(line).toMatch(/^Alice@config\.test:\{ARGON2ID\}\$argon2id\$[^:]+::::::userdb_quota_rule=\*:storage=1G$/);
    expect(await verifyPassword('s3cret pass', line!.split(':')[1]!)).toBe(true);

    const show = await mailctl(['user', 'show', 'alice@config.test']);
    expect(show.code).toBe(0);
    expect(show.out).toContain('{ARGON2ID}');
    expect(show.out).not.toContain('$argon2id$');
    expect(show.out).toMatch(/quota:\s+1G/);
    expect((await mailctl(['user', 'list'])).out).toMatch(/Alice@config\.test\s+1G\s+enabled/);
  });

  it('asks twice on the terminal and refuses a mismatch or an empty password', async () => {
    expect(await mailctl(['user', 'add', 'bob@config.test'], { secrets: ['pw1', 'pw2'] })).toMatchObject({ code: 65, err: expect.stringContaining('do not match') });
    expect(await mailctl(['user', 'add', 'bob@config.test', '--password-stdin'], { stdin: '\n' })).toMatchObject({ code: 65, err: expect.stringContaining('empty') });
    expect(await mailctl(['user', 'add', 'bob@config.test'])).toMatchObject({ code: 64, err: expect.stringContaining('--password-stdin') });
    expect(await mailctl(['user', 'add', 'bob@config.test'], { secrets: ['same', 'same'] })).toMatchObject({ code: 0 });
    expect(await readFile(file('users'), 'utf8')).toMatch(/^bob@config\.test:\{ARGON2ID\}/);
  });

  it('refuses bad addresses, unknown domains and duplicates before asking for a password', async () => {
    await mailctl(['domain', 'add', 'lists.test', '--alias']);
    for (const [address, code] of [
      ['not-an-address', 65],
      ['a..b@config.test', 65],
      ['#x@config.test', 65],
      ['x@unknown.test', 68],
      ['x@lists.test', 68],
    ] as const) {
      expect((await mailctl(['user', 'add', address], { secrets: [] })).code).toBe(code);
    }
    await mailctl(['user', 'add', 'carol@config.test', '--password-stdin'], { stdin: 'pw\n' });
    expect(await mailctl(['user', 'add', 'CAROL@config.test', '--password-stdin'], { stdin: 'pw\n' })).toMatchObject({ code: 73 });
    expect((await mailctl(['user', 'add', 'x@config.test', '--password-stdin', '--quota', 'lots'])).code).toBe(65);
  });

  it('changes passwords, quotas and login state, and deletes users', async () => {
    await mailctl(['user', 'add', 'dave@config.test', '--password-stdin', '--messages', '100'], { stdin: 'old\n' });
    expect(await mailctl(['user', 'passwd', 'Dave@config.test', '--password-stdin'], { stdin: 'new\n' })).toMatchObject({ code: 0 });
    const hash = (await readFile(file('users'), 'utf8')).split(':')[1]!;
    expect(await verifyPassword('new', hash)).toBe(true);
    expect(await mailctl(['user', 'quota', 'dave@config.test', '512M'])).toMatchObject({ code: 0, out: 'quota of dave@config.test: 512M, 100 messages' });
    expect(await mailctl(['user', 'quota', 'dave@config.test', 'none', '--messages', 'none'])).toMatchObject({ code: 0, out: 'quota of dave@config.test: none' });
    expect(await mailctl(['user', 'disable', 'dave@config.test'])).toMatchObject({ code: 0 });
    expect(await readFile(file('users'), 'utf8')).toMatch(/:nologin=y\n$/);
    expect((await mailctl(['user', 'list'])).out).toMatch(/dave@config\.test\s+none\s+disabled/);
    expect(await mailctl(['user', 'enable', 'dave@config.test'])).toMatchObject({ code: 0 });
    expect(await mailctl(['user', 'passwd', 'nobody@config.test', '--password-stdin'], { stdin: 'x\n' })).toMatchObject({ code: 67 });
    expect(await mailctl(['user', 'del', 'dave@config.test'])).toMatchObject({ code: 0, out: expect.stringContaining('left on disk') });
    expect(await readFile(file('users'), 'utf8')).toBe('');
    expect((await mailctl(['user', 'del', 'dave@config.test'])).code).toBe(67);
    expect((await mailctl(['user', 'show', 'dave@config.test'])).code).toBe(67);
  });

  it('never takes a password from the command line', async () => {
    expect((await mailctl(['user', 'add', 'eve@config.test', '--password', 'x'])).code).toBe(64);
    expect((await mailctl(['user', 'add', 'eve@config.test', 'secret'])).code).toBe(64);
  });
});

describe('mailctl alias', () => {
  it('writes the virtual map and lists both maps', async () => {
    await writeFile(file('aliases'), 'postmaster: root\n');
    await mailctl(['domain', 'add', 'example.test']);
    expect(await mailctl(['alias', 'add', 'sales@example.test', 'a@config.test', 'b@remote.example'])).toMatchObject({ code: 0, out: 'sales@example.test → a@config.test, b@remote.example' });
    expect(await mailctl(['alias', 'add', 'sales@example.test', 'c@config.test,d@config.test'])).toMatchObject({ code: 0 });
    expect(await mailctl(['alias', 'add', '@example.test', 'catchall@config.test'])).toMatchObject({ code: 0 });
    expect(await readFile(file('virtual'), 'utf8')).toBe('sales@example.test a@config.test, b@remote.example, c@config.test, d@config.test\n@example.test catchall@config.test\n');
    const list = await mailctl(['alias', 'list']);
    expect(list.out).toMatch(/@example\.test\s+catchall@config\.test/);
    expect(list.out).toMatch(/postmaster\s+root\s+.*aliases/);
    expect(await mailctl(['alias', 'del', 'sales@example.test', 'b@remote.example'])).toMatchObject({ code: 0 });
    expect(await mailctl(['alias', 'del', '@example.test'])).toMatchObject({ code: 0 });
    expect(await readFile(file('virtual'), 'utf8')).toBe('sales@example.test a@config.test, c@config.test, d@config.test\n');
    expect((await mailctl(['alias', 'del', 'nobody@example.test'])).code).toBe(67);
    expect((await mailctl(['alias', 'add', 'x@unknown.test', 'a@config.test'])).code).toBe(68);
    expect((await mailctl(['alias', 'add', 'x@example.test', 'not an address'])).code).toBe(65);
    expect((await mailctl(['alias', 'add', 'x@example.test'])).code).toBe(64);
  });
});
