// Interoperability with Dovecot itself: a user file written by the file backend is read by a real Dovecot 2.3
// passwd-file passdb/userdb (password, quota rule, mail location, nologin), checked with doveadm.
import { execFile, spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../password/index.js';
import { FilesDirectory } from './files.js';

const run = promisify(execFile);

async function available(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false; // the Dovecot master process drops privileges and needs root
  try {
    await run('dovecot', ['--version']);
    return true;
  } catch {
    return false;
  }
}

// Outside CI a machine without Dovecot (or not root) skips this; in CI it must run, so it fails instead.
const hasDovecot = (await available()) || Boolean(process.env.CI);

describe.skipIf(!hasDovecot)('Dovecot reads the user file', () => {
  let tmp: TempDir;
  let conf: string;
  const doveadm = async (...args: string[]) => {
    try {
      const { stdout } = await run('doveadm', ['-c', conf, ...args]);
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code?: number; stdout?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '' };
    }
  };

  beforeAll(async () => {
    tmp = await tempDir('mail-dovecot-');
    const p = (name: string) => join(tmp.path, name);
    const dir = new FilesDirectory({
      paths: { users: p('users'), domains: p('domains'), aliases: p('aliases'), virtual: p('virtual'), mailboxes: p('mail/%d/%n/Maildir') },
      configDomains: ['example.test'],
    });
    await dir.addAccount({ address: 'alice@example.test', passwordHash: await hashPassword('alice pw'), quota: { bytes: 1024 ** 3, messages: 100 } });
    await dir.addAccount({ address: 'bob@example.test', passwordHash: await hashPassword('bob pw', 'SHA512-CRYPT'), mailbox: p('custom/bob') });
    await dir.addAccount({ address: 'carol@example.test', passwordHash: await hashPassword('carol pw'), enabled: false });
    // Dovecot's auth process runs as its own unprivileged user: it must be able to read the file.
    await chmod(tmp.path, 0o755);
    await chmod(p('users'), 0o644);
    conf = p('dovecot.conf');
    await writeFile(
      conf,
      [
        `base_dir = ${p('run')}`,
        `state_dir = ${p('state')}`,
        `log_path = ${p('dovecot.log')}`,
        'protocols =',
        'listen = 127.0.0.1',
        'ssl = no',
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=CRYPT username_format=%u ${p('users')}`,
        '}',
        'userdb {',
        '  driver = passwd-file',
        `  args = username_format=%u ${p('users')}`,
        `  default_fields = uid=65534 gid=65534 home=${p('home')}/%d/%n mail=maildir:${p('mail')}/%d/%n/Maildir`,
        '}',
        '',
      ].join('\n'),
    );
    // The master daemonizes; its output must not be a pipe we wait on.
    const started = spawn('dovecot', ['-c', conf], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => started.once('exit', resolve));
    if (code !== 0) throw new Error(`dovecot did not start (exit ${code}); see ${p('dovecot.log')}`);
  });

  afterAll(async () => {
    if (conf) await doveadm('stop');
    await tmp?.cleanup();
  });

  it('verifies the passwords mailctl writes', async () => {
    expect((await doveadm('auth', 'test', 'alice@example.test', 'alice pw')).code).toBe(0);
    expect((await doveadm('auth', 'test', 'ALICE@example.test', 'alice pw')).code).toBe(0);
    expect((await doveadm('auth', 'test', 'bob@example.test', 'bob pw')).code).toBe(0);
    expect((await doveadm('auth', 'test', 'alice@example.test', 'wrong')).code).not.toBe(0);
  });

  it('sees the quota rule, the mail location and nologin', async () => {
    const alice = await doveadm('user', 'alice@example.test');
    expect(alice.stdout).toMatch(/^quota_rule\s+\*:storage=1G:messages=100$/m);
    const bob = await doveadm('user', 'bob@example.test');
    expect(bob.stdout).toMatch(new RegExp(`^mail\\s+maildir:${tmp.path}/custom/bob$`, 'm'));
    const carol = await doveadm('auth', 'test', 'carol@example.test', 'carol pw');
    expect(carol.stdout).toMatch(/^\s+nologin/m);
  });
});
