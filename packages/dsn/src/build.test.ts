// Reports parsed back: MIME structure, header fields, delivery-status groups, RET handling, streaming and UTF-8.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildDsn } from './build.js';
import { parseReport } from './test-support.js';
import { DsnError, type DsnInput } from './types.js';

const ORIGINAL = Buffer.from(
  'Received: from client.example.org\r\nFrom: Alice <alice@example.org>\r\nTo: bob@example.test\r\nSubject: hello\r\nMessage-ID: <m1@example.org>\r\n\r\nHello Bob.\r\n',
);
const ORIGINAL_HEADER = ORIGINAL.subarray(0, ORIGINAL.indexOf('\r\n\r\n') + 2).toString();

function input(overrides: Partial<DsnInput> = {}): DsnInput {
  return {
    reportingMta: 'mx.example.test',
    to: 'alice@example.org',
    arrivalDate: new Date('2026-12-03T10:00:00Z'),
    date: new Date('2026-12-03T10:05:00Z'),
    envelopeId: 'QQ314159',
    queueId: '01JD0000000000000000000000',
    recipients: [
      {
        finalRecipient: 'bob@example.test',
        originalRecipient: 'rfc822;Bob@example.test',
        action: 'failed',
        status: '5.1.1',
        remoteMta: 'mx.example.test',
        diagnostic: '550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown',
        lastAttemptDate: new Date('2026-12-03T10:04:59Z'),
      },
    ],
    original: { content: ORIGINAL, size: ORIGINAL.length },
    originalMessageId: '<m1@example.org>',
    ...overrides,
  };
}

async function report(i: DsnInput) {
  const dsn = buildDsn(i);
  return { dsn, parsed: parseReport(await dsn.toBuffer()) };
}

describe('buildDsn: a failure report', () => {
  it('is a multipart/report of notification, delivery-status and the returned message', async () => {
    const { dsn, parsed } = await report(input());
    const { header, parts, structure } = parsed;
    expect(`${structure.root.type}/${structure.root.subtype}`.toLowerCase()).toBe('multipart/report');
    expect(structure.root.params).toContainEqual(['report-type', 'delivery-status']);
    expect(parts.map((p) => `${p.type}/${p.subtype}`.toLowerCase())).toEqual(['text/plain', 'message/delivery-status', 'message/rfc822']);
    expect(header.get('from')).toBe('Mail Delivery System <MAILER-DAEMON@mx.example.test>');
    expect(header.get('to')).toBe('<alice@example.org>');
    expect(header.get('auto-submitted')).toBe('auto-replied');
    expect(header.get('subject')).toBe('Delivery Status Notification (Failure)');
    expect(header.get('in-reply-to')).toBe('<m1@example.org>');
    expect(header.get('references')).toBe('<m1@example.org>');
    expect(header.get('date')).toBe('Thu, 03 Dec 2026 10:05:00 +0000');
    expect(header.get('message-id')).toBe(dsn.messageId);
    expect(dsn.messageId).toMatch(/^<[^@]+@mx\.example\.test>$/);
    expect(dsn).toMatchObject({ sender: '', recipient: 'alice@example.org', smtputf8: false, eightBitMime: false, returned: 'message' });
  });

  it('carries the per-message and per-recipient fields of RFC 3464', async () => {
    const { parsed } = await report(input());
    const [message, recipient, ...rest] = parsed.groups;
    expect(rest).toEqual([]);
    expect(Object.fromEntries(message!)).toEqual({
      'reporting-mta': 'dns; mx.example.test',
      'x-queue-id': '01JD0000000000000000000000',
      'original-envelope-id': 'QQ314159',
      'arrival-date': 'Thu, 03 Dec 2026 10:00:00 +0000',
    });
    expect(Object.fromEntries(recipient!)).toEqual({
      'original-recipient': 'rfc822;Bob@example.test',
      'final-recipient': 'rfc822;bob@example.test',
      action: 'failed',
      status: '5.1.1',
      'remote-mta': 'dns; mx.example.test',
      'diagnostic-code': 'smtp; 550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown',
      'last-attempt-date': 'Thu, 03 Dec 2026 10:04:59 +0000',
    });
  });

  it('returns the original message unchanged inside message/rfc822', async () => {
    const { parsed } = await report(input());
    const part = parsed.parts[2]!;
    expect(parsed.raw.subarray(part.bodyStart, part.bodyEnd).equals(ORIGINAL)).toBe(true);
    expect(part.parts[0]?.envelope?.subject ?? part.envelope?.subject).toBe('hello');
  });

  it('names every recipient in the text for people', async () => {
    const two = input({
      recipients: [
        { finalRecipient: 'bob@example.test', action: 'failed', status: '5.1.1' },
        { finalRecipient: 'carol@example.test', action: 'failed', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' },
      ],
    });
    const { parsed } = await report(two);
    const text = parsed.body(parsed.parts[0]!);
    expect(text).toContain('<bob@example.test>: 5.1.1 no such recipient');
    expect(text).toContain('<carol@example.test>: 552 5.2.2 Mailbox full');
    expect(parsed.groups).toHaveLength(3);
    expect(parsed.groups.map((g) => g.get('final-recipient'))).toEqual([undefined, 'rfc822;bob@example.test', 'rfc822;carol@example.test']);
  });
});

describe('buildDsn: RET', () => {
  it.each([
    ['RET=HDRS', { ret: 'HDRS' as const }, ORIGINAL.length, 'headers'],
    ['no RET, small', {}, ORIGINAL.length, 'message'],
    ['no RET, over the return limit', { returnLimit: 100 }, ORIGINAL.length, 'headers'],
    ['RET=FULL over the default limit', { ret: 'FULL' as const, returnLimit: 100 }, ORIGINAL.length, 'message'],
    ['RET=FULL over the full limit', { ret: 'FULL' as const, fullReturnLimit: 100 }, ORIGINAL.length, 'headers'],
  ])('%s → %s', async (_name, extra, size, mode) => {
    const { dsn, parsed } = await report(input({ ...extra, original: { content: ORIGINAL, size } }));
    expect(dsn.returned).toBe(mode);
    const part = parsed.parts[2]!;
    expect(`${part.type}/${part.subtype}`.toLowerCase()).toBe(mode === 'message' ? 'message/rfc822' : 'text/rfc822-headers');
    if (mode === 'headers') expect(parsed.body(part)).toBe(ORIGINAL_HEADER);
  });

  it('returns nothing when there is no original', async () => {
    const { dsn, parsed } = await report(input({ original: undefined }));
    expect(dsn.returned).toBe('none');
    expect(parsed.parts).toHaveLength(2);
  });

  it('reads a streamed original only as far as its header when returning headers', async () => {
    let served = 0;
    const big = function* () {
      yield ORIGINAL_HEADER.slice(0, 30);
      yield `${ORIGINAL_HEADER.slice(30)}\r\n`;
      for (let i = 0; i < 1000; i++) {
        served += 1;
        yield 'x'.repeat(1000) + '\r\n';
      }
    };
    const { dsn, parsed } = await report(input({ original: { content: () => Readable.from(big(), { objectMode: false }), size: 1_002_000 } }));
    expect(dsn.returned).toBe('headers');
    expect(parsed.body(parsed.parts[2]!)).toBe(ORIGINAL_HEADER);
    expect(served).toBeLessThan(50);
  });

  it('streams a whole original through stream() without changing it', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.from(`X-Line-${i}: ${'y'.repeat(2000)}\r\n`));
    const whole = Buffer.concat([...chunks, Buffer.from('\r\nbody\r\n')]);
    const dsn = buildDsn(input({ ret: 'FULL', original: { content: () => Readable.from([...chunks, Buffer.from('\r\nbody\r\n')]), size: whole.length } }));
    const got: Buffer[] = [];
    for await (const c of dsn.stream()) got.push(c as Buffer);
    const parsed = parseReport(Buffer.concat(got));
    const part = parsed.parts[2]!;
    expect(parsed.raw.subarray(part.bodyStart, part.bodyEnd).equals(whole)).toBe(true);
  });

  it('declares an 8-bit original as 8bit', async () => {
    const eight = Buffer.from('Subject: caf\xc3\xa9\r\n\r\nna\xc3\xafve\r\n', 'latin1');
    const { dsn, parsed } = await report(input({ original: { content: eight, size: eight.length, eightBit: true } }));
    expect(dsn.eightBitMime).toBe(true);
    expect(parsed.parts[2]!.encoding).toBe('8bit');
    expect(parsed.header.get('content-transfer-encoding')).toBe('8bit');
  });
});

describe('buildDsn: other actions', () => {
  it('a delay warning names Will-Retry-Until and returns headers only', async () => {
    const until = new Date('2026-12-08T10:00:00Z');
    const { dsn, parsed } = await report(
      input({ recipients: [{ finalRecipient: 'bob@example.test', action: 'delayed', status: '4.2.2', diagnostic: '452 4.2.2 Mailbox full', willRetryUntil: until }] }),
    );
    expect(dsn.subject).toBe('Delivery Status Notification (Delay)');
    expect(dsn.returned).toBe('headers');
    expect(parsed.groups[1]!.get('will-retry-until')).toBe('Tue, 08 Dec 2026 10:00:00 +0000');
    expect(parsed.body(parsed.parts[0]!)).toContain('WARNING ONLY');
  });

  it('a success report uses 2.x.x and leaves Will-Retry-Until out', async () => {
    const { dsn, parsed } = await report(
      input({ recipients: [{ finalRecipient: 'bob@example.test', action: 'delivered', status: '2.0.0', willRetryUntil: new Date() }] }),
    );
    expect(dsn.subject).toBe('Delivery Status Notification (Success)');
    expect(parsed.groups[1]!.get('action')).toBe('delivered');
    expect(parsed.groups[1]!.has('will-retry-until')).toBe(false);
  });

  it.each([
    ['failed', '2.0.0'],
    ['delayed', '5.1.1'],
    ['delivered', '4.2.2'],
    ['failed', '5.1'],
    ['failed', '6.0.0'],
  ] as const)('refuses action %s with status %s', (action, status) => {
    expect(() => buildDsn(input({ recipients: [{ finalRecipient: 'bob@example.test', action, status }] }))).toThrow(DsnError);
  });

  it('refuses the null sender, header-breaking addresses and empty recipient lists', () => {
    expect(() => buildDsn(input({ to: '' }))).toThrow(DsnError);
    expect(() => buildDsn(input({ to: 'a@b\r\nBcc: x@y' }))).toThrow(DsnError);
    expect(() => buildDsn(input({ recipients: [] }))).toThrow(DsnError);
    expect(() => buildDsn(input({ reportingMta: 'bad host' }))).toThrow(DsnError);
  });
});

describe('buildDsn: UTF-8 addresses', () => {
  const utf8 = (extra: Partial<DsnInput>): DsnInput =>
    input({
      recipients: [{ finalRecipient: 'jürgen@bücher.example', originalRecipient: 'utf-8;j\\x{FC}rgen@b\\x{FC}cher.example', action: 'failed', status: '5.1.1' }],
      ...extra,
    });

  it('uses the 7-bit utf-8 address form in a plain report', async () => {
    const { dsn, parsed } = await report(utf8({}));
    expect(dsn.smtputf8).toBe(false);
    expect(parsed.parts[1]!.subtype?.toLowerCase()).toBe('delivery-status');
    expect(parsed.groups[1]!.get('final-recipient')).toBe('utf-8;j\\x{FC}rgen@b\\x{FC}cher.example');
    expect(parsed.groups[1]!.get('original-recipient')).toBe('utf-8;j\\x{FC}rgen@b\\x{FC}cher.example');
    expect(parsed.parts[0]!.encoding?.toLowerCase()).toBe('quoted-printable');
    expect(parsed.raw.every((b) => b < 0x80)).toBe(true);
  });

  it('uses the global types and raw UTF-8 when the original was SMTPUTF8', async () => {
    const { dsn, parsed } = await report(utf8({ smtputf8: true }));
    expect(dsn.smtputf8).toBe(true);
    expect(parsed.structure.root.params).toContainEqual(['report-type', 'global-delivery-status']);
    expect(parsed.parts.map((p) => `${p.type}/${p.subtype}`.toLowerCase())).toEqual(['text/plain', 'message/global-delivery-status', 'message/global']);
    expect(parsed.groups[1]!.get('final-recipient')).toBe('utf-8;jürgen@bücher.example');
    expect(parsed.body(parsed.parts[0]!)).toContain('<jürgen@bücher.example>');
  });

  it('is global whenever it goes to a UTF-8 sender', async () => {
    const { dsn, parsed } = await report(input({ to: 'josé@exemplo.example' }));
    expect(dsn.smtputf8).toBe(true);
    expect(parsed.header.get('to')).toBe('<josé@exemplo.example>');
  });
});
