// Maildrop bodies: messages read at once into reused buffers or streamed when large, from a real Maildir and the
// in-memory store; readParts: a message file read in large parts, whatever their size against the file's, with errors
// passed on.
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MaildirStore, MemoryStore, type MailStore } from '@mail/maildir';
import { tempDir } from '@mail/testing';
import { describe, expect, it } from 'vitest';
import { IN_MEMORY_UP_TO, Maildrop, READ_SIZE, readParts } from './maildrop.js';

const USER = 'dave@example.test';

async function body(maildrop: Maildrop, number: number, lines?: number): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const part of (await maildrop.open(maildrop.get(number), lines)).chunks) parts.push(part);
  return parts;
}

describe.each([
  // A file is read in parts of READ_SIZE; the in-memory store gives a message in one part.
  ['a Maildir', async (dir: string): Promise<MailStore> => new MaildirStore({ location: `${dir}/%d/%n/Maildir` }), (size: number) => Math.ceil(size / READ_SIZE)],
  ['the in-memory store', async (): Promise<MailStore> => new MemoryStore(), () => 1],
])('Maildrop bodies from %s', (_name, makeStore, partsOf) => {
  it('keeps what it gave for one message when it reads the next into the same buffer', async () => {
    const dir = await tempDir('pop3d-maildrop-');
    const store = await makeStore(dir.path);
    try {
      // CRLF without dot lines: the octets are sent as read, so they must not stay in the buffer that is reused.
      const crlf = 'Subject: one\r\n\r\nfirst message\r\n';
      const lf = 'Subject: two\n\n.second message\n';
      const big = `Subject: three\n\n${'x'.repeat(99)}\n`.repeat(Math.ceil(IN_MEMORY_UP_TO / 100) + 1);
      for (const m of [crlf, lf, big, crlf]) await store.deliver(USER, 'INBOX', m);
      const folder = await (await store.openMailbox(USER)).folder('INBOX');
      const maildrop = new Maildrop(folder, await folder.snapshot());
      const first = await body(maildrop, 1);
      const second = await body(maildrop, 2);
      expect(Buffer.concat(first).toString()).toBe(`${crlf}.\r\n`);
      expect(Buffer.concat(second).toString()).toBe('Subject: two\r\n\r\n..second message\r\n.\r\n');
      const third = await body(maildrop, 3);
      const top = await body(maildrop, 4, 0);
      expect(Buffer.concat(third).toString()).toBe(`${big.replaceAll('\n', '\r\n')}.\r\n`);
      expect(third.length).toBe(partsOf(big.length) + 1); // streamed, then the terminator
      expect(Buffer.concat(top).toString()).toBe('Subject: one\r\n\r\n.\r\n');
    } finally {
      await store.close();
      await dir.cleanup();
    }
  });
});

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
