// Tests of the file helpers: no-replace publishing, linked copies, atomic writes.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile, linkOrCopy, publishFile, statOrNull, unlinkIfExists } from './fsutil.js';

describe('fsutil', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('publishes a file without ever replacing an existing one', async () => {
    await writeFile(join(dir.path, 'a'), 'A');
    await writeFile(join(dir.path, 'b'), 'B');
    expect(() => publishFile(join(dir.path, 'a'), join(dir.path, 'b'))).toThrow(/EEXIST/);
    publishFile(join(dir.path, 'a'), join(dir.path, 'c'));
    expect(await readFile(join(dir.path, 'c'), 'utf8')).toBe('A');
    expect(await statOrNull(join(dir.path, 'a'))).toBeNull();
  });

  it('links a copy that shares the internal date', async () => {
    await writeFile(join(dir.path, 'a'), 'A');
    await linkOrCopy(join(dir.path, 'a'), join(dir.path, 'b'));
    expect((await stat(join(dir.path, 'b'))).mtimeMs).toBe((await stat(join(dir.path, 'a'))).mtimeMs);
  });

  it('replaces atomically and unlinks idempotently', async () => {
    await atomicWriteFile(join(dir.path, 'f'), 'one');
    await atomicWriteFile(join(dir.path, 'f'), 'two');
    expect(await readFile(join(dir.path, 'f'), 'utf8')).toBe('two');
    expect(await unlinkIfExists(join(dir.path, 'f'))).toBe(true);
    expect(await unlinkIfExists(join(dir.path, 'f'))).toBe(false);
  });
});
