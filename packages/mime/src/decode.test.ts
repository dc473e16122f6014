// Content-Transfer-Encoding decoders: base64 and quoted-printable vectors, streaming equivalence, BINARY.SIZE.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodedSize, decoderFor, UnknownEncodingError } from './decode.js';

describe('decodeBody', () => {
  it.each([
    ['base64', 'aGVsbG8gd29ybGQ=', 'hello world'],
    ['base64', 'aGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n', 'hello world'],
    ['base64', 'aGVs bG8*gd29ybGQ', 'hello world'],
    ['base64', 'YQ==YWI=', 'aab'],
    ['quoted-printable', 'caf=C3=A9', 'café'],
    ['quoted-printable', 'caf=c3=a9', 'café'],
    ['quoted-printable', 'soft=\r\nbreak\r\nhard\r\n', 'softbreak\r\nhard\r\n'],
    ['quoted-printable', 'soft=\nbreak', 'softbreak'],
    ['quoted-printable', 'trailing   \r\nspace\t\r\n', 'trailing\r\nspace\r\n'],
    ['quoted-printable', 'bad =ZZ and =', 'bad =ZZ and '],
    ['quoted-printable', '1=3D1', '1=1'],
    ['7bit', 'as is\r\n', 'as is\r\n'],
    ['BINARY', '\x00\xff', '\x00\xff'],
  ])('%s %j', (encoding, input, expected) => {
    expect(decodeBody(Buffer.from(input, 'latin1'), encoding).toString(encoding === 'BINARY' ? 'latin1' : 'utf8')).toBe(expected);
  });

  it('rejects unknown encodings', () => {
    expect(() => decoderFor('x-uuencode')).toThrow(UnknownEncodingError);
  });
});

describe('streaming decoders', () => {
  const sample = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
  const b64 = sample.toString('base64').replace(/.{76}/g, '$&\r\n');
  const qp = Array.from(sample, (c) => (c >= 33 && c <= 126 && c !== 61 ? String.fromCharCode(c) : `=${c.toString(16).padStart(2, '0').toUpperCase()}`))
    .join('')
    .replace(/.{72}/g, '$&=\r\n');

  it.each([
    ['base64', b64],
    ['quoted-printable', qp],
  ])('decodes %s the same in any chunking', async (encoding, text) => {
    for (const size of [1, 3, 7, 64, 1000]) {
      const chunks: Buffer[] = [];
      const input = Buffer.from(text, 'latin1');
      for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
      const out: Buffer[] = [];
      const dec = decoderFor(encoding);
      const done = (async () => {
        for await (const c of dec as AsyncIterable<Buffer>) out.push(c);
      })();
      for (const c of chunks) dec.write(c);
      dec.end();
      await done;
      expect(Buffer.concat(out).equals(sample)).toBe(true);
      expect(await decodedSize(Readable.from(chunks), encoding)).toBe(sample.length);
    }
  });
});

describe('CRLF output', () => {
  it.each([
    ['7bit', 'a\nb\r\nc\n', 'a\r\nb\r\nc\r\n'],
    ['quoted-printable', 'a=\nb\nc=0A\n', 'ab\r\nc\n\r\n'],
    ['base64', 'YQpi', 'a\nb'],
  ])('%s %j', (encoding, input, expected) => {
    expect(decodeBody(Buffer.from(input), encoding, { crlf: true }).toString('latin1')).toBe(expected);
  });

  it('replaces NUL with 0x80 for IMAP literals', () => {
    expect(decodeBody(Buffer.from('a\0b\n'), 'binary', { crlf: true, replaceNul: true })).toEqual(Buffer.from('a\x80b\r\n', 'latin1'));
  });

  it('converts a bare LF split from its CR across chunks only once', async () => {
    const dec = decoderFor('8bit', { crlf: true });
    const out: Buffer[] = [];
    const done = (async () => {
      for await (const c of dec as AsyncIterable<Buffer>) out.push(c);
    })();
    dec.write(Buffer.from('a\r'));
    dec.write(Buffer.from('\nb\n'));
    dec.end();
    await done;
    expect(Buffer.concat(out).toString()).toBe('a\r\nb\r\n');
  });
});
