// Dovecot reads what we write and we read what Dovecot writes: UIDs, UIDVALIDITY, flags, keywords, folders, subscriptions.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, tempDir, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageInfo } from '../src/api.js';
import { MaildirStore } from '../src/store.js';
import { flagsByUid, TinyImap } from './fixtures/imap-client.js';

const DOVECOT = '/usr/sbin/dovecot';
// Outside CI a machine without Dovecot (or not root) skips this; in CI it must run, so it fails instead.
const canRun = (existsSync(DOVECOT) && process.getuid?.() === 0) || Boolean(process.env.CI);

/** Dovecot refuses mail access as root, so its mail processes run as nobody; the tree is handed over before each Dovecot turn. */
async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(p, uid, gid);
    else await chown(p, uid, gid);
  }
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited: ${await readFile(log, 'utf8').catch(() => '')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('dovecot did not listen');
}

const ours = (m: MessageInfo): string[] => [...m.flags, ...m.keywords].sort();

describe.skipIf(!canRun)('interoperability with Dovecot', () => {
  let dir: TempDir;
  let maildir: string;
  let port: number;
  let dovecot: ChildProcess;
  let nobody: { uid: number; gid: number };
  const handOver = () => chownTree(maildir, nobody.uid, nobody.gid);

  beforeAll(async () => {
    dir = await tempDir('dovecot-interop-');
    await chmod(dir.path, 0o755);
    maildir = join(dir.path, 'Maildir');
    await mkdir(maildir);
    nobody = await userIds('nobody');
    port = await freePort();
    for (const d of ['run', 'state']) await mkdir(join(dir.path, d));
    await writeFile(join(dir.path, 'passwd'), 'tester:{PLAIN}secret:::::\n');
    await writeFile(
      join(dir.path, 'dovecot.conf'),
      [
        `base_dir = ${dir.path}/run`,
        `state_dir = ${dir.path}/state`,
        `instance_name = interop-${port}`,
        'listen = 127.0.0.1',
        'protocols = imap',
        'ssl = no',
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain',
        `log_path = ${dir.path}/dovecot.log`,
        'first_valid_uid = 0',
        `mail_uid = ${nobody.uid}`,
        `mail_gid = ${nobody.gid}`,
        `mail_location = maildir:${maildir}:LAYOUT=maildir++`,
        'namespace inbox {\n  inbox = yes\n  separator = /\n}',
        `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir.path}/passwd\n}`,
        `userdb {\n  driver = passwd-file\n  args = username_format=%u ${dir.path}/passwd\n}`,
        `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
        '',
      ].join('\n'),
    );
    dovecot = spawn(DOVECOT, ['-F', '-c', join(dir.path, 'dovecot.conf')], { stdio: 'ignore' });
    await waitForPort(port, dovecot, join(dir.path, 'dovecot.log'));
  });

  afterAll(async () => {
    if (dovecot && dovecot.exitCode === null) {
      const exited = new Promise((r) => dovecot.once('exit', r));
      dovecot.kill('SIGTERM');
      await exited;
    }
    await dir?.cleanup();
  });

  const login = async (): Promise<TinyImap> => {
    await handOver();
    const imap = await TinyImap.connect(port);
    await imap.command('LOGIN tester secret');
    return imap;
  };

  it('Dovecot sees our messages, UIDs, flags, keywords, folders and subscriptions', async () => {
    const store = new MaildirStore({ location: maildir });
    for (let i = 1; i <= 3; i++) await store.deliver('tester', 'INBOX', `Subject: ours ${i}\n\nbody ${i}\n`);
    const mb = await store.openMailbox('tester');
    const inbox = await mb.folder('INBOX');
    await inbox.setFlags([1], 'add', ['\\Seen', 'Work']);
    await inbox.setFlags([2], 'add', ['\\Flagged', '\\Answered', '$Forwarded', 'Later']);
    await inbox.expunge([3]);
    await mb.createFolder('Archive/2025');
    await mb.createFolder('Entwürfe');
    await mb.subscribe('Entwürfe');
    await mb.subscribe('Archive/2025');
    await inbox.copy([1, 2], 'Archive/2025');
    const inboxSnap = await inbox.snapshot();
    const archiveSnap = await (await mb.folder('Archive/2025')).snapshot();
    await store.close();

    const imap = await login();
    try {
      const list = await imap.command('LIST "" "*"');
      expect(list.untagged).toEqual(expect.arrayContaining([
        '* LIST (\\Noselect \\HasChildren) "/" Archive',
        '* LIST (\\HasNoChildren) "/" Archive/2025',
        '* LIST (\\HasNoChildren) "/" Entw&APw-rfe',
        '* LIST (\\HasNoChildren) "/" INBOX',
      ]));
      const lsub = await imap.command('LSUB "" "*"');
      expect(lsub.untagged.map((l) => l.split('"/" ')[1]).sort()).toEqual(['Archive/2025', 'Entw&APw-rfe']);
      const select = await imap.command('SELECT INBOX');
      expect(select.untagged).toContain(`* OK [UIDVALIDITY ${inboxSnap.uidValidity}] UIDs valid`);
      expect(select.untagged).toContain(`* OK [UIDNEXT ${inboxSnap.uidNext}] Predicted next UID`);
      const fetched = flagsByUid((await imap.command('UID FETCH 1:* (UID FLAGS RFC822.SIZE)')).untagged);
      expect(fetched).toEqual(new Map(inboxSnap.messages.map((m) => [m.uid, ours(m)])));
      expect(fetched).toEqual(new Map([[1, ['Work', '\\Seen']], [2, ['$Forwarded', 'Later', '\\Answered', '\\Flagged']]]));
      await imap.command('SELECT "Archive/2025"');
      const archived = flagsByUid((await imap.command('UID FETCH 1:* (UID FLAGS)')).untagged);
      expect(archived).toEqual(new Map(archiveSnap.messages.map((m) => [m.uid, ours(m)])));
      expect(archived.size).toBe(2);
      await imap.command('LOGOUT');
    } finally {
      imap.close();
    }
  });

  it('we see messages, flags, keywords and folders Dovecot wrote', async () => {
    const imap = await login();
    let dovecotInbox: Map<number, string[]>;
    let validity: string;
    try {
      await imap.command('SELECT INBOX');
      const append = await imap.command('APPEND INBOX (\\Answered Dove)', 'Subject: from dovecot\r\n\r\nhello\r\n');
      const appendUid = /APPENDUID (\d+) (\d+)/.exec(append.text);
      expect(appendUid).not.toBeNull();
      validity = appendUid?.[1] as string;
      await imap.command('UID STORE 1 +FLAGS (\\Deleted Other)');
      await imap.command('UID STORE 2 -FLAGS (Later)');
      await imap.command('CREATE Dove/Made');
      await imap.command('CREATE &ZeVnLIqe-');
      await imap.command('SUBSCRIBE &ZeVnLIqe-');
      dovecotInbox = flagsByUid((await imap.command('UID FETCH 1:* (UID FLAGS)')).untagged);
      await imap.command('LOGOUT');
    } finally {
      imap.close();
    }
    const store = new MaildirStore({ location: maildir });
    const mb = await store.openMailbox('tester');
    const snap = await (await mb.folder('INBOX')).snapshot();
    expect(String(snap.uidValidity)).toBe(validity);
    expect(new Map(snap.messages.map((m) => [m.uid, ours(m)]))).toEqual(dovecotInbox);
    expect(snap.messages.map((m) => m.uid)).toEqual([1, 2, 4]);
    expect(dovecotInbox.get(1)).toEqual(['Other', 'Work', '\\Deleted', '\\Seen']);
    expect(dovecotInbox.get(4)).toEqual(['Dove', '\\Answered']);
    const folders = await mb.listFolders('', '*');
    expect(folders.map((f) => [f.name, f.selectable])).toEqual([
      ['INBOX', true],
      ['Archive', false],
      ['Archive/2025', true],
      ['Dove', false],
      ['Dove/Made', true],
      ['Entwürfe', true],
      ['日本語', true],
    ]);
    expect(folders.filter((f) => f.subscribed).map((f) => f.name)).toEqual(['Archive/2025', 'Entwürfe', '日本語']);
    await store.close();
  });

  it('Dovecot accepts our changes to its own messages and mailboxes', async () => {
    const store = new MaildirStore({ location: maildir });
    const mb = await store.openMailbox('tester');
    const inbox = await mb.folder('INBOX');
    await inbox.expunge([1], { onlyDeleted: true });
    await inbox.setFlags([4], 'replace', ['\\Seen', 'Dove', 'Extra']);
    const added = await store.deliver('tester', 'Dove/Made', 'Subject: into dovecot folder\n\nx\n');
    await mb.renameFolder('Entwürfe', 'Drafts');
    const snap = await inbox.snapshot();
    await store.close();
    const imap = await login();
    try {
      await imap.command('SELECT INBOX');
      expect(flagsByUid((await imap.command('UID FETCH 1:* (UID FLAGS)')).untagged)).toEqual(new Map(snap.messages.map((m) => [m.uid, ours(m)])));
      const made = await imap.command('SELECT Dove/Made');
      expect(made.untagged).toContain('* 1 EXISTS');
      expect(flagsByUid((await imap.command('UID FETCH 1:* (UID FLAGS)')).untagged)).toEqual(new Map([[added.status === 'delivered' ? added.uid : -1, []]]));
      const list = await imap.command('LIST "" "Dr*"');
      expect(list.untagged).toEqual(['* LIST (\\HasNoChildren) "/" Drafts']);
      await imap.command('LOGOUT');
    } finally {
      imap.close();
    }
  });
});
