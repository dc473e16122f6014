import { describe, expect, it } from 'vitest';
import { assembleMessage, HEADER_SCAN_LIMIT, scanHeader, type HeaderScan } from './headers.js';

describe('scanHeader', () => {
  const cases: Array<[string, string, boolean, Omit<HeaderScan, 'fields'> & { fields: string[] } | undefined]> = [
    ['header and body', 'From: a\r\nDate: x\r\n\r\nbody\r\n', true, { fields: ['from', 'date'], length: 18, next: 'separator' }],
    ['folded field', 'Subject: a\r\n b\r\nMessage-ID: <x>\r\n\r\n', true, { fields: ['subject', 'message-id'], length: 33, next: 'separator' }],
    ['obsolete space before colon', 'Date : x\r\n\r\n', true, { fields: ['date'], length: 10, next: 'separator' }],
    ['no header at all', '\r\nbody\r\n', true, { fields: [], length: 0, next: 'separator' }],
    ['body line without separator', 'From: a\r\nhello world\r\n', true, { fields: ['from'], length: 9, next: 'body' }],
    ['starts with a body line', 'hello\r\n', true, { fields: [], length: 0, next: 'body' }],
    ['starts with a continuation', ' x\r\n', true, { fields: [], length: 0, next: 'body' }],
    ['only fields', 'From: a\r\nTo: b\r\n', true, { fields: ['from', 'to'], length: 16, next: 'end' }],
    ['unterminated last field', 'From: a\r\nTo: b', true, { fields: ['from', 'to'], length: 14, next: 'end' }],
    ['unterminated body line', 'From: a\r\nxyz', true, { fields: ['from'], length: 9, next: 'body' }],
    ['empty message', '', true, { fields: [], length: 0, next: 'end' }],
    ['needs more', 'From: a\r\nTo: b', false, undefined],
  ];
  it.each(cases)('%s', (_name, text, complete, want) => {
    const got = scanHeader(Buffer.from(text), complete);
    expect(got && { ...got, fields: [...got.fields] }).toEqual(want);
  });
  it('gives up looking at the scan limit', () => {
    const text = Buffer.from(`X-Long: ${'a'.repeat(HEADER_SCAN_LIMIT)}`);
    expect(scanHeader(text, false)?.next).toBe('unknown');
  });
});

async function collect(it: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

async function* pieces(text: string, step: number): AsyncGenerator<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += step) yield b.subarray(i, i + step);
}

describe('assembleMessage', () => {
  const date = new Date(2025, 0, 2, 3, 4, 5);
  const complete = { hostname: 'mx.test', date };
  it.each([1, 3, 1000])('prepends the trace header and passes content unchanged (step %i)', async (step) => {
    expect(await collect(assembleMessage(pieces('Subject: x\r\n\r\nbody\r\n', step), { prepend: 'Received: r\r\n' }))).toBe('Received: r\r\nSubject: x\r\n\r\nbody\r\n');
  });
  it.each([1, 7, 1000])('adds Message-ID and Date when missing (step %i)', async (step) => {
    const out = await collect(assembleMessage(pieces('Subject: x\r\n\r\nbody\r\n', step), { prepend: 'Received: r\r\n', complete }));
    expect(out).toMatch(/^Received: r\r\nMessage-ID: <[^@>]+@mx\.test>\r\nDate: \w{3}, 2 Jan 2025 03:04:05 [+-]\d{4}\r\nSubject: x\r\n\r\nbody\r\n$/);
  });
  it('keeps existing Message-ID and Date', async () => {
    const msg = 'message-id: <a@b>\r\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n';
    expect(await collect(assembleMessage(pieces(msg, 5), { prepend: 'Received: r\r\n', complete }))).toBe(`Received: r\r\n${msg}`);
  });
  it('supplies the missing separator before a body line', async () => {
    const out = await collect(assembleMessage(pieces('Message-ID: <a@b>\r\nDate: d\r\nhello\r\n', 4), { prepend: '', complete }));
    expect(out).toBe('Message-ID: <a@b>\r\nDate: d\r\n\r\nhello\r\n');
  });
  it('passes a large body through in pieces', async () => {
    const body = 'x'.repeat(998) + '\r\n';
    const msg = `Message-ID: <a@b>\r\nDate: d\r\n\r\n${body.repeat(2000)}`;
    expect(await collect(assembleMessage(pieces(msg, 65536), { prepend: '', complete }))).toBe(msg);
  });
});
