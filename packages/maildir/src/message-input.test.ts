// Tests of writing messages and counting their sizes.
import { readFile, stat } from 'node:fs/promises';
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

  // Up to 256 KiB the message is gathered and written with synchronous calls; beyond, it streams in 256 KiB writes.
  it.each([
    ['small', 3, 1000],
    ['at the gather size', 256, 1024],
    ['large', 40, 100 * 1024],
  ])('writes a %s message whole, with its mtime, and the same way from a stream', async (_name, chunks, chunkSize) => {
    const pieces = Array.from({ length: chunks }, (_, i) => Buffer.alloc(chunkSize, 0x61 + (i % 26)));
    const expected = Buffer.concat(pieces);
    const mtime = Date.parse('2024-02-03T04:05:06Z');
    for (const [name, source] of [['buffer', expected], ['stream', Readable.from(pieces)]] as const) {
      const path = join(dir.path, name);
      expect(await writeMessageFile(path, source, { mtime })).toEqual({ size: expected.length, vsize: expected.length });
      expect((await readFile(path)).equals(expected)).toBe(true);
      expect((await stat(path)).mtimeMs).toBe(mtime);
    }
  });

  it('leaves no file behind when the source fails, early or late', async () => {
    for (const [name, before] of [['early', 1], ['late', 400]] as const) {
      async function* failing(): AsyncIterable<Uint8Array> {
        for (let i = 0; i < before; i++) yield Buffer.alloc(1024, 0x61);
        throw new Error('source broke');
      }
      await expect(writeMessageFile(join(dir.path, name), failing())).rejects.toThrow('source broke');
      await expect(stat(join(dir.path, name))).rejects.toThrow(/ENOENT/);
    }
  });
});
