// Tests of UIDVALIDITY allocation shared with Dovecot.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextUidValidity } from './uidvalidity.js';

describe('nextUidValidity', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('starts near the current time and then counts up, sharing Dovecot files', async () => {
    const first = await nextUidValidity(dir.path);
    expect(Math.abs(first - Date.now() / 1000)).toBeLessThan(5);
    const second = await nextUidValidity(dir.path);
    expect(second).toBe(first + 1);
    expect(await readFile(join(dir.path, 'dovecot-uidvalidity'), 'utf8')).toBe(second.toString(16).padStart(8, '0'));
    expect((await readdir(dir.path)).filter((n) => n.startsWith('dovecot-uidvalidity.'))).toEqual([`dovecot-uidvalidity.${second.toString(16).padStart(8, '0')}`]);
  });

  it('continues from a value Dovecot left', async () => {
    await writeFile(join(dir.path, 'dovecot-uidvalidity'), '6b116e7f');
    await writeFile(join(dir.path, 'dovecot-uidvalidity.6b116e7f'), '');
    expect(await nextUidValidity(dir.path)).toBe(0x6b116e80);
  });

  it('hands out distinct values to concurrent callers', async () => {
    const values = await Promise.all(Array.from({ length: 20 }, () => nextUidValidity(dir.path)));
    expect(new Set(values).size).toBe(20);
  });
});
