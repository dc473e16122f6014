// readHeader and partText: header scans over streams and decoded text of parts.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HeaderTooLargeError, readHeader } from './read-header.js';
import { parseStructureSync } from './structure.js';
import { partText } from './text.js';

function chunks(s: string, size: number): Readable {
  const list: Buffer[] = [];
  for (let i = 0; i < s.length; i += size) list.push(Buffer.from(s.slice(i, i + size), 'latin1'));
  return Readable.from(list);
}

describe('readHeader', () => {
  const msg = 'Received: from a\r\n\tby b\r\nDelivered-To: x@example.com\r\nSubject: hi\r\n\r\nbody line\r\n';
  it.each([1, 2, 7, 1000])('finds the header end with %i-octet chunks', async (size) => {
    const r = await readHeader(chunks(msg, size));
    expect(r.fields.map((f) => f.name)).toEqual(['Received', 'Delivered-To', 'Subject']);
    expect(r.headerSize).toBe(msg.indexOf('\r\n\r\n') + 4);
    expect(msg.slice(0, r.headerSize) + r.rest.toString('latin1')).toBe(msg.slice(0, r.headerSize + r.rest.length));
    expect(r.ended).toBe(false);
  });

  it('handles LF-only messages and messages without body', async () => {
    expect((await readHeader(chunks('A: 1\n\nb', 3))).headerSize).toBe(6);
    const r = await readHeader(chunks('A: 1\nB: 2', 3));
    expect([r.fields.length, r.ended]).toEqual([2, true]);
  });

  it('refuses overlong headers', async () => {
    await expect(readHeader(chunks('X: ' + 'y'.repeat(5000), 100), { maxBytes: 1000 })).rejects.toBeInstanceOf(HeaderTooLargeError);
  });
});

describe('partText', () => {
  it('decodes transfer encoding and charset', () => {
    const msg = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9\n--b\nContent-Type: text/plain; charset*=utf-8\'\'\nContent-Transfer-Encoding: base64\n\nw6l0w6k=\n--b\n\nraw \xc3\xa9\n--b--\n',
      'latin1',
    );
    const s = parseStructureSync(msg);
    const texts = s.root.parts.map((p) => partText(p, msg.subarray(p.bodyStart, p.bodyEnd)));
    expect(texts).toEqual(['café', 'été', 'raw é']);
  });
});
