import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FilesDirectory } from './files.js';
import { directoryContract } from './test-contract.js';

const dirs: TempDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => d.cleanup()));
});

async function make(): Promise<FilesDirectory> {
  const tmp = await tempDir('mail-directory-');
  dirs.push(tmp);
  await writeFile(join(tmp.path, 'aliases'), '# local aliases\npostmaster: root\nroot: admin@example.test\n');
  return new FilesDirectory({
    paths: {
      users: join(tmp.path, 'users'),
      domains: join(tmp.path, 'domains'),
      aliases: join(tmp.path, 'aliases'),
      virtual: join(tmp.path, 'virtual'),
      mailboxes: '/srv/mail/%d/%n',
    },
    configDomains: ['config.test'],
    reloadInterval: 0,
  });
}

directoryContract('FilesDirectory', { make });

function paths(dir: string) {
  return { users: join(dir, 'users'), domains: join(dir, 'domains'), aliases: join(dir, 'aliases'), virtual: join(dir, 'virtual'), mailboxes: '/srv/mail/%d/%n' };
}

async function fresh(files: Partial<Record<'users' | 'domains' | 'aliases' | 'virtual', string>> = {}, reloadInterval = 0) {
  const tmp = await tempDir('mail-directory-');
  dirs.push(tmp);
  const p = paths(tmp.path);
  for (const [name, text] of Object.entries(files)) await writeFile(p[name as keyof typeof files], text);
  return { p, dir: new FilesDirectory({ paths: p, reloadInterval }) };
}

describe('FilesDirectory', () => {
  it('reads an existing Dovecot setup and reports what it skips', async () => {
    const { dir } = await fresh({
      domains: '# hosted\nexample.test\nlists.example alias\n',
      users: [
        '# Dovecot passwd-file',
        'alice@example.test:{SHA512-CRYPT}$6$s$h:5000:5000::/var/vmail/alice::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=2G',
        'bob@Example.Test:{PLAIN}pw::::::nologin=y',
        'nodomain:{PLAIN}x',
        'eve@elsewhere.test:{PLAIN}x',
      ].join('\n'),
      virtual: 'old.example anything\n@lists.example alice@example.test\n',
      aliases: 'abuse: |/bin/true\n',
    });
    expect(await dir.findAccount('ALICE@example.test')).toEqual({
      address: 'alice@example.test',
      passwordHash: '{SHA512-CRYPT}$6$s$h',
      mailbox: '/var/vmail/alice/Maildir',
      quota: { bytes: 2 * 1024 ** 3 },
      enabled: true,
    });
    expect(await dir.findAccount('bob@example.test')).toMatchObject({ address: 'bob@example.test', enabled: false, mailbox: '/srv/mail/example.test/bob' });
    expect(await dir.domainKind('old.example')).toBe('alias');
    expect(await dir.domainKind('lists.example')).toBe('alias');
    expect((await dir.resolve('x@lists.example')).local.map((l) => l.account.address)).toEqual(['alice@example.test']);
    expect((await dir.problems()).map((x) => `${x.file.split('/').pop()}:${x.line}`).sort()).toEqual(['aliases:1', 'aliases:1', 'users:4', 'users:5']);
  });

  it('notices changed files', async () => {
    const { p, dir } = await fresh({ domains: 'example.test\n' });
    expect(await dir.findAccount('a@example.test')).toBeNull();
    await writeFile(p.users, 'a@example.test:{PLAIN}x\n');
    expect(await dir.findAccount('a@example.test')).not.toBeNull();
    await writeFile(p.users, '');
    expect(await dir.findAccount('a@example.test')).toBeNull();
  });

  it('reports each load, and keeps the last good contents when a file turns unreadable', async () => {
    const tmp = await tempDir('mail-directory-');
    dirs.push(tmp);
    const p = paths(tmp.path);
    await writeFile(p.domains, 'example.test\nbad_domain\n');
    await writeFile(p.users, 'a@example.test:{PLAIN}x\n');
    const loads: number[] = [];
    const errors: unknown[] = [];
    const dir = new FilesDirectory({ paths: p, reloadInterval: 0, onLoad: (problems) => loads.push(problems.length), onReloadError: (err) => errors.push(err) });
    expect(await dir.findAccount('a@example.test')).not.toBeNull();
    expect(loads).toEqual([1]);
    await rm(p.users);
    await mkdir(p.users); // reading a directory fails with EISDIR
    expect(await dir.findAccount('a@example.test')).not.toBeNull();
    expect(errors).toHaveLength(1);
  });

  it('checks for changes at most once per interval', async () => {
    const { p, dir } = await fresh({ domains: 'example.test\n' }, 60_000);
    expect(await dir.findAccount('a@example.test')).toBeNull();
    await writeFile(p.users, 'a@example.test:{PLAIN}x\n');
    expect(await dir.findAccount('a@example.test')).toBeNull();
    await dir.refresh();
    expect(await dir.findAccount('a@example.test')).not.toBeNull();
  });

  it('follows :include: lists and reloads when they change', async () => {
    const { p, dir } = await fresh({ domains: 'example.test\n', users: 'a@example.test:{PLAIN}x\nb@example.test:{PLAIN}x\n' });
    const list = join(dirname(p.users), 'team.list');
    await writeFile(list, 'a@example.test\n');
    await writeFile(p.aliases, `team: :include:${list}\n`);
    expect((await dir.resolve('team@example.test')).local.map((l) => l.account.address)).toEqual(['a@example.test']);
    await writeFile(list, 'a@example.test, b@example.test\n');
    expect((await dir.resolve('team@example.test')).local.map((l) => l.account.address)).toEqual(['a@example.test', 'b@example.test']);
  });

  it('keeps comments and untouched lines when it writes', async () => {
    const users = '# managed by hand too\nkeep@example.test:{PLAIN}k:1:1:Keep:/home/keep:/bin/sh:userdb_quota_rule2=Trash:storage=+10M\n';
    const { p, dir } = await fresh({ domains: '# ours\nexample.test\n', users, virtual: '# map\nx@example.test  keep@example.test,\n   other@remote.example\n' });
    await dir.addAccount({ address: 'new@example.test', passwordHash: '{PLAIN}n', quota: { bytes: 10 * 1024 ** 2, messages: 100 } });
    await dir.updateAccount('keep@example.test', { quota: { bytes: 1024 ** 3 } });
    expect(await readFile(p.users, 'utf8')).toBe(
      '# managed by hand too\nkeep@example.test:{PLAIN}k:1:1:Keep:/home/keep:/bin/sh:userdb_quota_rule2=Trash:storage=+10M userdb_quota_rule=*:storage=1G\n' +
        'new@example.test:{PLAIN}n::::::userdb_quota_rule=*:storage=10M:messages=100\n',
    );
    await dir.addAlias('x@example.test', ['third@remote.example']);
    await dir.addAlias('y@example.test', ['keep@example.test']);
    expect(await readFile(p.virtual, 'utf8')).toBe('# map\nx@example.test keep@example.test, other@remote.example, third@remote.example\ny@example.test keep@example.test\n');
    await dir.addDomain('two.example');
    await dir.addDomain('three.example', 'alias');
    expect(await readFile(p.domains, 'utf8')).toBe('# ours\nexample.test\ntwo.example\nthree.example alias\n');
    await dir.removeDomain('two.example');
    await dir.removeAccount('new@example.test');
    expect(await readFile(p.domains, 'utf8')).toBe('# ours\nexample.test\nthree.example alias\n');
    expect(await readFile(p.users, 'utf8')).toContain('keep@example.test');
    expect(await readFile(p.users, 'utf8')).not.toContain('new@example.test');
  });

  it('creates the user file private and keeps the mode of existing files', async () => {
    const { p, dir } = await fresh({ domains: 'example.test\n' });
    await dir.addAccount({ address: 'a@example.test', passwordHash: '{PLAIN}x' });
    expect((await stat(p.users)).mode & 0o777).toBe(0o640);
    await chmod(p.users, 0o600);
    await dir.addAccount({ address: 'b@example.test', passwordHash: '{PLAIN}x' });
    expect((await stat(p.users)).mode & 0o777).toBe(0o600);
    expect((await readdir(dirname(p.users))).filter((f) => f.includes('.tmp') || f.endsWith('.lock'))).toEqual([]);
  });

  it('loses no change when writers run at the same time', async () => {
    const { p } = await fresh({ domains: 'example.test\n' });
    const writers = Array.from({ length: 8 }, () => new FilesDirectory({ paths: p, reloadInterval: 0 }));
    await Promise.all(
      writers.flatMap((w, i) => [
        w.addAccount({ address: `u${i}@example.test`, passwordHash: '{PLAIN}x' }),
        w.addAlias('team@example.test', [`u${i}@example.test`]),
      ]),
    );
    const reader = new FilesDirectory({ paths: p, reloadInterval: 0 });
    expect(await reader.listAccounts()).toHaveLength(8);
    expect((await reader.listAliases()).find((a) => a.source === 'team@example.test')?.targets).toHaveLength(8);
  });
});
