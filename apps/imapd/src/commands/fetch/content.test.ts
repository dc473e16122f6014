// Tests of the top-level header renderings: CRLF form, field selection, and the renderings kept per message.
import { describe, expect, it } from 'vitest';
import type { CachedHeader } from './cache.js';
import { topHeaderContent } from './content.js';

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
