// readParts: a message file read in large parts, whatever their size against the file's, with errors passed on.
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { tempDir } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { readParts } from './maildrop.js';

async function collect(stream: Readable, size: number): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const part of readParts(stream, size)) parts.push(part);
  return parts;
}

describe('readParts', () => {
  it.each([
    ['smaller than the file', 1000, 256],
    ['a divisor of the file size', 1024, 256],
    ['larger than the file', 1000, 4096],
    ['larger than a stream reads by default', 300_000, 256 * 1024],
    ['an empty file', 0, 256],
  ])('reads a file in parts of the size asked: %s', async (_name, length, size) => {
    const dir = await tempDir('pop3d-read-');
    try {
      const data = Buffer.alloc(length, 'abcdefghij');
      const file = join(dir.path, 'message');
      await writeFile(file, data);
      const parts = await collect(createReadStream(file), size);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
      // Every part but the last is exactly `size` octets: one read per part.
      expect(parts.slice(0, -1).every((p) => p.length === size)).toBe(true);
      expect(parts.length).toBe(Math.ceil(length / size));
    } finally {
      await dir.cleanup();
    }
  });

  it('passes on an error of the stream', async () => {
    const stream = new Readable({ read() {} });
    stream.push(Buffer.from('first'));
    setTimeout(() => stream.destroy(new Error('disk on fire')), 5);
    await expect(collect(stream, 1024)).rejects.toThrow('disk on fire');
  });

  it('fails when the stream is destroyed before its end', async () => {
    const stream = new Readable({ read() {} });
    setTimeout(() => stream.destroy(), 5);
    await expect(collect(stream, 1024)).rejects.toThrow('closed before its end');
  });
});
