// Reading the header of a streamed message and building the bytes written to a mailbox, across chunk boundaries.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deliverySource, readHead } from './message.js';

const MESSAGE = 'Received: from a\r\nX-Spam-Flag: NO\r\nSubject: hi\r\n folded\r\nx-spam-flag: maybe\r\n\r\nbody line\r\nX-Spam-Flag: in the body\r\n';

/** The message cut into pieces of `size` octets, counting how many pieces were read. */
function pieces(text: string, size: number) {
  const state = { read: 0 };
  const open = () =>
    Readable.from(
      (function* () {
        for (let i = 0; i < text.length; i += size) {
          state.read += 1;
          yield Buffer.from(text.slice(i, i + size), 'latin1');
        }
      })(),
      { objectMode: false },
    );
  return { open, state };
}

async function collect(source: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts).toString('latin1');
}

describe('readHead', () => {
  it.each([1, 7, 64, 10_000])('finds the header in pieces of %i octets', async (size) => {
    const { open } = pieces(MESSAGE, size);
    const head = await readHead(open);
    expect(head.complete).toBe(true);
    expect(head.eol).toBe('\r\n');
    expect(head.fields.map((f) => f.name)).toEqual(['Received', 'X-Spam-Flag', 'Subject', 'x-spam-flag']);
    expect(head.header.toString()).toBe(MESSAGE.slice(0, MESSAGE.indexOf('\r\n\r\n') + 2));
  });

  it('stops reading at the end of the header', async () => {
    const body = 'x'.repeat(100_000);
    const { open, state } = pieces(`Subject: a\r\n\r\n${body}`, 1000);
    await readHead(open);
    expect(state.read).toBe(1);
  });

  it('gives up past the limit, keeping whole lines', async () => {
    const { open } = pieces(`${'X-Long: aaaaaaaaaa\r\n'.repeat(100)}\r\nbody`, 50);
    const head = await readHead(open, 200);
    expect(head.complete).toBe(false);
    expect(head.header.length).toBeLessThanOrEqual(200);
    expect(head.header.toString().endsWith('\r\n')).toBe(true);
  });

  it('handles LF-only messages and messages without a body', async () => {
    expect((await readHead(pieces('Subject: a\nTo: b\n\nbody\n', 3).open)).eol).toBe('\n');
    const bare = await readHead(pieces('Subject: only\r\n', 4).open);
    expect(bare.fields.map((f) => f.name)).toEqual(['Subject']);
  });
});

describe('deliverySource', () => {
  it.each([1, 5, 33, 10_000])('prepends the trace fields and passes the message unchanged (pieces of %i)', async (size) => {
    expect(await collect(deliverySource(pieces(MESSAGE, size).open, Buffer.from('Return-Path: <a@b>\r\n')))).toBe(`Return-Path: <a@b>\r\n${MESSAGE}`);
  });

  it.each([1, 5, 33, 10_000])('drops the named header fields only from the header (pieces of %i)', async (size) => {
    const out = await collect(deliverySource(pieces(MESSAGE, size).open, Buffer.from('X-Spam-Flag: YES\r\n'), (n) => n === 'x-spam-flag'));
    expect(out).toBe('X-Spam-Flag: YES\r\nReceived: from a\r\nSubject: hi\r\n folded\r\n\r\nbody line\r\nX-Spam-Flag: in the body\r\n');
  });

  it('passes a header longer than the limit through unchanged', async () => {
    const text = `${'X-Spam-Flag: NO\r\n'.repeat(20)}\r\nbody\r\n`;
    expect(await collect(deliverySource(pieces(text, 16).open, Buffer.alloc(0), () => true, 100))).toBe(text);
  });
});
