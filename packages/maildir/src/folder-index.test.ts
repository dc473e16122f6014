// Tests of the folder scan cache: UIDs without a scan, delayed refresh, moves between new/ and cur/.
import { mkdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIRTY_MS } from './dir-listing.js';
import { FolderIndex } from './folder-index.js';

describe('FolderIndex', () => {
  let dir: TempDir;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir.path, 'Maildir');
    for (const d of ['tmp', 'new', 'cur']) await mkdir(join(path, d), { recursive: true });
  });
  afterEach(() => dir.cleanup());

  const add = async (index: FolderIndex, name: string): Promise<number | undefined> =>
    index.locked(async () => {
      await writeFile(join(path, 'new', name), 'x');
      index.noteAdded(name, 'new', name, 1000);
      await index.commitNoted();
      return index.byBaseName(name)?.uid;
    });

  it('gives UIDs to added files without reading the directories, keeping only the latest ones in memory', async () => {
    const index = new FolderIndex(path, { root: dir.path, lockStaleMs: 10_000 });
    await writeFile(join(path, 'cur', '1.M1P1.other,S=1,W=1:2,S'), 'y');
    const uids = [];
    for (let i = 0; i < 5; i++) uids.push(await add(index, `${100 + i}.M1P9Q${i}.h,S=1,W=1`));
    expect(uids).toEqual([1, 2, 3, 4, 5]);
    expect(index.messages().map((m) => m.uid)).toEqual([5]);
    await index.sync();
    expect(index.messages().map((m) => m.uid)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(index.get(6)?.internalDate).toBe(Math.floor((await stat(join(path, 'cur', '1.M1P1.other,S=1,W=1:2,S'))).mtimeMs));
    expect(index.get(1)?.internalDate).toBe(1000);
  });

  it('keeps the UID order as messages come and go, without sorting again', async () => {
    const index = new FolderIndex(path, { root: dir.path, lockStaleMs: 10_000 });
    await index.sync();
    for (let i = 0; i < 4; i++) await add(index, `${200 + i}.M1P9Q${i}.h,S=1,W=1`);
    expect(index.messages().map((m) => m.uid)).toEqual([1, 2, 3, 4]);
    await unlink(join(path, 'new', '201.M1P9Q1.h,S=1,W=1'));
    index.invalidate();
    await index.sync();
    expect(index.messages().map((m) => m.uid)).toEqual([1, 3, 4]);
    await add(index, '210.M1P9Q9.h,S=1,W=1');
    expect(index.messages().map((m) => m.uid)).toEqual([1, 3, 4, 5]);
    expect(index.messages().map((m) => index.get(m.uid))).toEqual(index.messages());
  });

  it('reads a directory once more after a change hidden inside one time stamp (delayed refresh)', async () => {
    const index = new FolderIndex(path, { root: dir.path, lockStaleMs: 10_000 });
    // A time stamp utimes() can set again exactly, less than a second old.
    const mtime = new Date(Date.now());
    await utimes(join(path, 'cur'), mtime, mtime);
    const started = Date.now();
    await index.sync();
    await writeFile(join(path, 'cur', '2.M1P1.other,S=1,W=1:2,'), 'z');
    await utimes(join(path, 'cur'), mtime, mtime);
    await index.sync();
    // Unseen while the time stamp says nothing changed (unless this machine was too slow to get here in time).
    if (Date.now() - started < DIRTY_MS) expect(index.messages()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, DIRTY_MS + 100));
    await index.sync();
    expect(index.messages()).toHaveLength(1);
  });

  it('reads a directory again within a second of a hidden change while this process keeps changing it', async () => {
    const index = new FolderIndex(path, { root: dir.path, lockStaleMs: 10_000 });
    await index.sync();
    // Someone else's file lands inside one of our own changes: its mtime is taken as ours.
    await index.own(['cur'], () => writeFile(join(path, 'cur', '4.M1P1.other,S=1,W=1:2,'), 'h'));
    const until = Date.now() + DIRTY_MS + 200;
    while (Date.now() < until) {
      await index.own(['cur'], () => writeFile(join(path, 'cur', `${Date.now()}.junk`), ''));
      await index.sync();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(index.messages().map((m) => m.base)).toContain('4.M1P1.other,S=1,W=1');
  });

  it('does not take a message moved from new/ to cur/ by someone else for expunged', async () => {
    const index = new FolderIndex(path, { root: dir.path, lockStaleMs: 10_000 });
    await writeFile(join(path, 'new', '3.M1P1.other,S=1,W=1'), 'm');
    await index.sync();
    const old = new Date(Date.now() - 60_000);
    await utimes(join(path, 'cur'), old, old);
    await index.sync();
    const { rename } = await import('node:fs/promises');
    await rename(join(path, 'new', '3.M1P1.other,S=1,W=1'), join(path, 'cur', '3.M1P1.other,S=1,W=1:2,S'));
    await utimes(join(path, 'cur'), old, old);
    await index.sync();
    expect(index.messages().map((m) => [m.uid, m.dir, m.letters])).toEqual([[1, 'cur', 'S']]);
  });
});
