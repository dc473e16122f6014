// Tests of reading new/ and cur/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailboxNotFoundError } from './errors.js';
import { baseOf, cleanTmp, readNames, scanDirs, statDirs } from './folder-scan.js';

describe('folder scan', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
    for (const d of ['new', 'cur', 'tmp']) await mkdir(join(dir.path, d));
  });
  afterEach(() => dir.cleanup());

  it('reads only the wanted directories, skipping dot files', async () => {
    await writeFile(join(dir.path, 'new', 'a'), '');
    await writeFile(join(dir.path, 'new', '.tmp-file'), '');
    await writeFile(join(dir.path, 'cur', 'b:2,S'), '');
    const known = await statDirs(dir.path);
    const r = await scanDirs(dir.path, { new: true, cur: false }, known);
    expect(r.names).toEqual({ new: ['a'] });
    expect(await readNames(dir.path, 'cur')).toEqual(['b:2,S']);
  });

  it('also reads a directory whose mtime moved since it was last seen', async () => {
    const r = await scanDirs(dir.path, { new: false, cur: false }, { new: 0, cur: 0 });
    expect(Object.keys(r.names).sort()).toEqual(['cur', 'new']);
  });

  it('cleans tmp/ of files untouched for 36 hours, not of a file being written with an old internal date', async () => {
    const { readdir, utimes } = await import('node:fs/promises');
    await writeFile(join(dir.path, 'tmp', 'appending'), '');
    const old = new Date(Date.now() - 400 * 86_400_000);
    await utimes(join(dir.path, 'tmp', 'appending'), old, old);
    expect(await cleanTmp(dir.path)).toBe(0);
    expect(await cleanTmp(dir.path, Date.now() + 37 * 3600_000)).toBe(1);
    expect(await readdir(join(dir.path, 'tmp'))).toEqual([]);
  });

  it('reports a vanished folder', async () => {
    await expect(statDirs(join(dir.path, 'missing'))).rejects.toThrow(MailboxNotFoundError);
    expect(baseOf('x,S=1:2,FS')).toBe('x,S=1');
  });
});
