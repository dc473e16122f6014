// Tests of writing messages and counting their sizes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bareLfCount, writeMessageFile } from './message-input.js';

describe('writeMessageFile', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it.each([
    ['a\r\nb\r\n', 6, 6],
    ['a\nb\n', 4, 6],
    ['a\r\nb\n', 5, 6],
    ['', 0, 0],
  ])('%j has size %i and CRLF size %i', async (text, size, vsize) => {
    expect(await writeMessageFile(join(dir.path, 'm'), text)).toEqual({ size, vsize });
    expect(await readFile(join(dir.path, 'm'), 'utf8')).toBe(text);
  });

  it('counts a CR LF split across chunks once', async () => {
    const source = Readable.from([Buffer.from('a\r'), Buffer.from('\nb\n')]);
    expect(await writeMessageFile(join(dir.path, 'm'), source)).toEqual({ size: 5, vsize: 6 });
    expect(bareLfCount(Buffer.from('\nx'), true)).toBe(0);
  });

  it('refuses an existing file and removes an oversized one', async () => {
    await writeMessageFile(join(dir.path, 'm'), 'x');
    await expect(writeMessageFile(join(dir.path, 'm'), 'y')).rejects.toThrow(/EEXIST/);
    await expect(writeMessageFile(join(dir.path, 'big'), 'x'.repeat(100), { maxSize: 10 })).rejects.toThrow(RangeError);
    await expect(readFile(join(dir.path, 'big'))).rejects.toThrow();
  });
});
