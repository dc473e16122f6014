// Behaviour only the Maildir store has: state on disk across processes, changes made by other programs, the scan cache, crash windows.
import { mkdir, readdir, readFile, rename, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dedupeHash } from '../src/dedupe.js';
import { DIRTY_MS } from '../src/dir-listing.js';
import { MailboxNotFoundError } from '../src/errors.js';
import { MaildirStore } from '../src/store.js';

const BOB = 'bob@example.test';

describe('MaildirStore on disk', () => {
  let dir: TempDir;
  let root: string;
  const open = (): MaildirStore => new MaildirStore({ location: `${dir.path}/%d/%n/Maildir` });

  beforeEach(async () => {
    dir = await tempDir('maildir-disk-');
    root = join(dir.path, 'example.test', 'bob', 'Maildir');
  });
  afterEach(() => dir.cleanup());

  it('writes the Dovecot layout: uidlist v3, names with S= and W=, keywords file, maildirfolder', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'Subject: a\n\nx\n');
    const mb = await store.openMailbox(BOB);
    await mb.createFolder('Sent');
    await (await mb.folder('INBOX')).setFlags([1], 'add', ['\\Seen', 'Work']);
    const uidlist = await readFile(join(root, 'dovecot-uidlist'), 'utf8');
    expect(uidlist).toMatch(/^3 V\d+ N1 G[0-9a-f]{32}\n1 :\d+\.M\d+P\d+Q\d+\.[^,]+,S=14,W=17\n$/);
    expect(await readdir(join(root, 'cur'))).toEqual([expect.stringMatching(/,S=14,W=17:2,Sa$/)]);
    expect(await readFile(join(root, 'dovecot-keywords'), 'utf8')).toBe('0 Work\n');
    expect(await readdir(join(root, '.Sent'))).toEqual(expect.arrayContaining(['cur', 'new', 'tmp', 'maildirfolder']));
    await store.close();
  });

  it('keeps the special use given to a new folder in mailsuite-specialuse, for a new process', async () => {
    const store = open();
    const mb = await store.openMailbox(BOB);
    await mb.createFolder('Archiv/Gelöscht', { specialUse: ['\\Trash'] });
    expect(await readFile(join(root, 'mailsuite-specialuse'), 'utf8')).toBe('\\Trash\tArchiv\tGel&APY-scht\n');
    await store.close();
    const again = open();
    expect(await (await again.openMailbox(BOB)).specialUseFolder('\\Trash')).toBe('Archiv/Gelöscht');
    await again.close();
  });

  it('keeps UIDs, flags, internal dates and mod-sequences for a new process', async () => {
    const first = open();
    await first.deliver(BOB, 'INBOX', 'a');
    await first.deliver(BOB, 'INBOX', 'b', { internalDate: 1_600_000_000_000 });
    const inbox1 = await (await first.openMailbox(BOB)).folder('INBOX');
    await inbox1.setFlags([2], 'add', ['\\Flagged']);
    const before = await inbox1.snapshot();
    await first.close();
    const second = open();
    const after = await (await (await second.openMailbox(BOB)).folder('INBOX')).snapshot();
    expect(after.messages).toEqual(before.messages);
    expect([after.uidValidity, after.highestModseq, after.uidNext]).toEqual([before.uidValidity, before.highestModseq, before.uidNext]);
    expect(after.messages[1]?.internalDate).toBe(1_600_000_000_000);
    await second.close();
  });

  it('picks up changes other programs make: new files, flag renames, deletions', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'a');
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    const s1 = await inbox.snapshot();
    await writeFile(join(root, 'new', '1700000000.M1P1.otherhost'), 'Subject: foreign\n\nno sizes in the name\n');
    const [name] = await readdir(join(root, 'new')).then((n) => n.filter((x) => x.includes(',S=')));
    await rename(join(root, 'new', name as string), join(root, 'cur', `${name}:2,RS`));
    const s2 = await inbox.snapshot();
    expect(s2.messages.map((m) => [m.uid, m.flags, m.size, m.vsize])).toEqual([
      [1, ['\\Answered', '\\Seen'], 1, 1],
      [2, [], 39, 42],
    ]);
    expect(s2.messages[0]?.modseq).toBeGreaterThan(s1.messages[0]?.modseq as number);
    expect(s2.highestModseq).toBeGreaterThan(s1.highestModseq);
    await unlink(join(root, 'new', '1700000000.M1P1.otherhost'));
    const s3 = await inbox.snapshot();
    expect(s3.messages.map((m) => m.uid)).toEqual([1]);
    await store.close();
  });

  it('does not read the directories again while their mtimes stay the same', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'a');
    const old = new Date(Date.now() - 60_000);
    for (const d of ['new', 'cur']) await utimes(join(root, d), old, old);
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    expect((await inbox.snapshot()).exists).toBe(1);
    await writeFile(join(root, 'cur', '1700000000.M2P2.elsewhere,S=1,W=1:2,'), 'b');
    await utimes(join(root, 'cur'), old, old);
    expect((await inbox.snapshot()).exists).toBe(1);
    await utimes(join(root, 'cur'), new Date(), new Date());
    expect((await inbox.snapshot()).exists).toBe(2);
    await store.close();
  });

  it('answers a STORE that changes nothing without the folder lock or a new mod-sequence', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'a');
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    await inbox.snapshot({ takeRecent: true });
    await inbox.setFlags([1], 'add', ['\\Seen', 'Work']);
    const before = await inbox.snapshot();
    const log = await readFile(join(root, 'mailsuite-modseq'), 'utf8');
    // Another live process holds the lock: a STORE that had to take it would wait for it.
    await writeFile(join(root, 'dovecot-uidlist.lock'), `${process.ppid}:${hostname()}`);
    expect(await inbox.setFlags([1], 'add', ['\\Seen', 'Work'])).toMatchObject({ updated: [], modified: [] });
    expect(await inbox.setFlags([1], 'remove', ['\\Draft', 'Unknown'])).toMatchObject({ updated: [], modified: [] });
    expect(await inbox.setFlags([1, 7], 'replace', ['\\Seen', 'Work'])).toMatchObject({ updated: [], modified: [] });
    expect(await readFile(join(root, 'mailsuite-modseq'), 'utf8')).toBe(log);
    expect((await inbox.snapshot()).highestModseq).toBe(before.highestModseq);
    await unlink(join(root, 'dovecot-uidlist.lock'));
    // A keyword without a letter yet, or UNCHANGEDSINCE below the message's, still goes through the lock.
    expect((await inbox.setFlags([1], 'add', ['Later'])).updated).toHaveLength(1);
    expect((await inbox.setFlags([1], 'add', ['\\Seen'], { unchangedSince: 1 })).modified).toEqual([1]);
    await store.close();
  });

  it('keeps STATUS counts (unseen, recent, size) equal to a count over the messages through every kind of change', async () => {
    const store = open();
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    const check = async (): Promise<void> => {
      const st = await inbox.status();
      const { messages } = await inbox.snapshot();
      const unseen = messages.filter((m) => !m.flags.includes('\\Seen')).length;
      const size = messages.reduce((n, m) => n + m.size, 0);
      expect([st.exists, st.unseen, st.size]).toEqual([messages.length, unseen, size]);
    };
    for (let i = 0; i < 4; i++) await store.deliver(BOB, 'INBOX', `Subject: ${i}\n\n${'x'.repeat(i * 10)}\n`);
    expect((await inbox.status()).recent).toBe(4);
    await check();
    await inbox.snapshot({ takeRecent: true });
    expect((await inbox.status()).recent).toBe(0);
    await inbox.setFlags([1, 2], 'add', ['\\Seen']);
    await check();
    await inbox.setFlags([2], 'remove', ['\\Seen']);
    await inbox.setFlags([3], 'add', ['\\Deleted', '\\Seen']);
    await inbox.expunge([3], { onlyDeleted: true });
    await check();
    // Another program marks a message seen and removes one.
    const cur = await readdir(join(root, 'cur'));
    const four = cur.find((n) => n.includes(',S=') && n.endsWith(':2,') && !n.startsWith('x')) as string;
    await rename(join(root, 'cur', four), join(root, 'cur', `${four}S`));
    await unlink(join(root, 'cur', cur.find((n) => n !== four && n.endsWith(':2,S')) as string));
    await new Promise((r) => setTimeout(r, DIRTY_MS + 100));
    await check();
    expect((await inbox.status()).exists).toBe(2);
    await store.close();
  });

  it('drops the records of expunged messages from dovecot-uidlist and the modseq log as they pile up', async () => {
    const store = open();
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    for (let i = 0; i < 3; i++) await inbox.append(`Subject: keep ${i}\n\nx\n`);
    for (let i = 0; i < 200; i++) {
      const { uid } = await inbox.append(`Subject: gone ${i}\n\nx\n`);
      await inbox.setFlags([uid], 'add', ['\\Deleted']);
      await inbox.expunge([uid], { onlyDeleted: true });
    }
    // The next read of the directories (the delayed refresh) shows what is gone for good.
    await new Promise((r) => setTimeout(r, DIRTY_MS + 100));
    await inbox.snapshot();
    await inbox.append('Subject: last\n\nx\n');
    const lines = (name: string): Promise<number> => readFile(join(root, name), 'utf8').then((t) => t.split('\n').length - 1);
    expect(await lines('dovecot-uidlist')).toBeLessThan(20);
    expect((await inbox.snapshot()).messages.map((m) => m.uid)).toEqual([1, 2, 3, 204]);
    await store.close();
  });

  it('never lowers mod-sequences under one UIDVALIDITY, even when the modseq log is lost', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'a');
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    await inbox.setFlags([1], 'add', ['\\Seen']);
    const before = await inbox.snapshot();
    await store.close();
    await unlink(join(root, 'mailsuite-modseq'));
    const again = open();
    const after = await (await (await again.openMailbox(BOB)).folder('INBOX')).snapshot();
    expect(after.uidValidity).toBe(before.uidValidity);
    expect(after.highestModseq).toBeGreaterThan(before.highestModseq);
    expect(after.messages[0]?.modseq).toBeGreaterThan(before.messages[0]?.modseq as number);
    expect(after.messages[0]?.flags).toEqual(['\\Seen']);
    await again.close();
  });

  it('rebuilds a corrupt dovecot-uidlist with a new UIDVALIDITY, as Dovecot does', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'a');
    await store.deliver(BOB, 'INBOX', 'b');
    const before = await (await (await store.openMailbox(BOB)).folder('INBOX')).status();
    await store.close();
    await writeFile(join(root, 'dovecot-uidlist'), 'garbage\n');
    const again = open();
    const after = await (await (await again.openMailbox(BOB)).folder('INBOX')).snapshot();
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(after.messages.map((m) => m.uid)).toEqual([1, 2]);
    await again.close();
  });

  it('completes a delivery whose earlier attempt crashed before publishing, and not one that crashed after', async () => {
    const store = open();
    const mb = await store.openMailbox(BOB);
    // Crash after "P" but before the link into new/: no file exists.
    await writeFile(join(root, 'mailsuite-dedupe'), `P ${dedupeHash('job-1:bob')} - 1700000000.M1P1Q1.host,S=1,W=1 ${Math.floor(Date.now() / 1000)}\n`);
    expect(await store.deliver(BOB, 'INBOX', 'a', { dedupeKey: 'job-1:bob' })).toMatchObject({ status: 'delivered', uid: 1 });
    // Crash after the link but before "D": the file is there.
    const [existing] = await readdir(join(root, 'new'));
    await writeFile(join(root, 'mailsuite-dedupe'), `P ${dedupeHash('job-2:bob')} - ${existing} ${Math.floor(Date.now() / 1000)}\n`, { flag: 'a' });
    expect(await store.deliver(BOB, 'INBOX', 'a', { dedupeKey: 'job-2:bob' })).toEqual({ status: 'duplicate', folder: 'INBOX', uid: 1 });
    expect((await (await mb.folder('INBOX')).status()).exists).toBe(1);
    await store.close();
  });

  it('reads a message that another program moved to cur/ after this process last looked, streamed or at once', async () => {
    const store = open();
    await store.deliver(BOB, 'INBOX', 'Subject: a\n\nbody\n');
    const inbox = await (await store.openMailbox(BOB)).folder('INBOX');
    await inbox.snapshot();
    const [name] = await readdir(join(root, 'new'));
    await rename(join(root, 'new', name!), join(root, 'cur', `${name}:2,S`));
    const read = await inbox.read(1, { into: Buffer.alloc(100) });
    expect(read.data?.toString()).toBe('Subject: a\n\nbody\n');
    expect(read.size).toBe(17);
    await rename(join(root, 'cur', `${name}:2,S`), join(root, 'cur', `${name}:2,RS`));
    const streamed = await inbox.read(1, { into: Buffer.alloc(10) });
    expect(streamed.data).toBeUndefined();
    const parts: Buffer[] = [];
    for await (const part of streamed.stream) parts.push(part as Buffer);
    expect(Buffer.concat(parts).toString()).toBe('Subject: a\n\nbody\n');
    await store.close();
  });

  it('does not follow symbolic links out of the account tree', async () => {
    const store = open();
    const mb = await store.openMailbox(BOB);
    const outside = join(dir.path, 'outside');
    for (const d of ['cur', 'new', 'tmp']) await mkdir(join(outside, d), { recursive: true });
    await symlink(outside, join(root, '.Linked'));
    expect((await mb.listFolders('', '*')).map((f) => f.name)).toEqual(['INBOX']);
    await expect(mb.folder('Linked')).rejects.toThrow(MailboxNotFoundError);
    await writeFile(join(outside, 'secret'), 'not mail');
    await symlink(join(outside, 'secret'), join(root, 'cur', '1700000000.M1P1.x,S=8,W=8:2,'));
    const inbox = await mb.folder('INBOX');
    const snap = await inbox.snapshot();
    expect(snap.messages.map((m) => m.uid)).toEqual([1]);
    await expect(inbox.read(1)).rejects.toThrow(/ELOOP/);
    await expect(inbox.read(1, { into: Buffer.alloc(100) })).rejects.toThrow(/ELOOP/);
    await store.close();
  });

  it('removes the message file and records the quota when a folder is deleted', async () => {
    const store = new MaildirStore({ location: `${dir.path}/%d/%n/Maildir`, quota: () => ({ storage: 1000 }) });
    const mb = await store.openMailbox(BOB);
    await mb.createFolder('Tmpfolder');
    await store.deliver(BOB, 'Tmpfolder', 'x'.repeat(100));
    await store.deliver(BOB, 'INBOX', 'y'.repeat(10));
    expect(await store.quota(BOB)).toMatchObject({ storage: 110, messages: 2 });
    await mb.deleteFolder('Tmpfolder');
    expect(await store.quota(BOB)).toMatchObject({ storage: 10, messages: 1 });
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(await readFile(join(root, 'maildirsize'), 'utf8')).toMatch(/^1000S\n/);
    await store.close();
  });
});
