// Tests of the CRLF conversions and of the top-level header renderings: CRLF form, field selection, and the
// renderings kept per message.
import { describe, expect, it } from 'vitest';
import type { CachedHeader } from './cache.js';
import { toCrlf, toCrlfInPlace, topHeaderContent } from './content.js';

const header = (): CachedHeader => ({ raw: Buffer.from('From: a@b.test\nTo: c@d.test\nSubject: hi\n\n') });
const fields = (text: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT', names: string[] = []) => ({ part: [], text, fields: names });

describe('topHeaderContent', () => {
  it('renders HEADER and HEADER.FIELDS (.NOT) in CRLF form', () => {
    const h = header();
    expect(topHeaderContent(h, fields('HEADER')).toString()).toBe('From: a@b.test\r\nTo: c@d.test\r\nSubject: hi\r\n\r\n');
    expect(topHeaderContent(h, fields('HEADER.FIELDS', ['subject', 'FROM'])).toString()).toBe('From: a@b.test\r\nSubject: hi\r\n\r\n');
    expect(topHeaderContent(h, fields('HEADER.FIELDS.NOT', ['To'])).toString()).toBe('From: a@b.test\r\nSubject: hi\r\n\r\n');
  });

  it('keeps a few renderings per message, field names compared without case', () => {
    const h = header();
    const first = topHeaderContent(h, fields('HEADER.FIELDS', ['From', 'Subject']));
    expect(topHeaderContent(h, fields('HEADER.FIELDS', ['FROM', 'SUBJECT']))).toBe(first);
    expect(topHeaderContent(h, fields('HEADER.FIELDS.NOT', ['From', 'Subject']))).not.toBe(first);
    for (const name of ['a', 'b', 'c', 'd', 'e']) topHeaderContent(h, fields('HEADER.FIELDS', [name]));
    expect(h.renderings?.size).toBe(4);
    expect(topHeaderContent(h, fields('HEADER.FIELDS', ['e'])).toString()).toBe('\r\n');
  });
});

describe('toCrlfInPlace', () => {
  it.each([
    ['', ''],
    ['no line end', 'no line end'],
    ['a\nb\n', 'a\r\nb\r\n'],
    ['\n\n\n', '\r\n\r\n\r\n'],
    ['a\r\nb\nc\rd\n', 'a\r\nb\r\nc\rd\r\n'],
    ['\nx', '\r\nx'],
  ])('%j → %j, as toCrlf does, inside the buffer', (input, want) => {
    const data = Buffer.from(input, 'latin1');
    const buf = Buffer.alloc(want.length + 3, 0x2e);
    data.copy(buf);
    expect(toCrlfInPlace(buf, data.length)).toBe(want.length);
    expect(buf.subarray(0, want.length).toString('latin1')).toBe(want);
    expect(toCrlf(data).toString('latin1')).toBe(want);
  });

  it('leaves the buffer alone when the CRLF form does not fit', () => {
    const buf = Buffer.from('a\nb\nc');
    expect(toCrlfInPlace(buf, buf.length)).toBe(-1);
    expect(buf.toString()).toBe('a\nb\nc');
    const roomy = Buffer.from('a\nb\n..');
    expect(toCrlfInPlace(roomy, 4)).toBe(6);
    expect(roomy.toString()).toBe('a\r\nb\r\n');
  });
});
