import { describe, expect, it } from 'vitest';
import { JobValidationError } from './errors.js';
import { jobId, parseJob, queueOfJobId } from './names.js';
import { newSpoolId, spoolIdTime } from './spool-id.js';

const spoolId = newSpoolId();
const received = { at: '2025-01-01T10:00:00.000Z', clientAddress: '2001:db8::1', protocol: 'ESMTPS' };
const deliver = { v: 1, spoolId, sender: 'a@example.org', recipients: [{ address: 'b@example.test' }], received, size: 10 };
const outbound = { ...deliver, recipients: [{ address: 'c@example.net' }], firstAttemptAt: '2025-01-01T10:00:00.000Z' };

describe('job schemas', () => {
  it('fills defaults for deliver jobs', () => {
    expect(parseJob('deliver', deliver)).toEqual({ ...deliver, dsn: {}, smtputf8: false, eightBitMime: false });
  });

  it('fills per-recipient state for outbound jobs', () => {
    const job = parseJob('outbound', outbound);
    expect(job.recipients).toEqual([{ address: 'c@example.net', status: 'pending', attempts: 0 }]);
  });

  it('keeps AUTH= as given, and leaves it out of jobs queued without it', () => {
    expect(parseJob('outbound', { ...outbound, auth: 'alice@example.org' }).auth).toBe('alice@example.org');
    expect(parseJob('outbound', { ...outbound, auth: null }).auth).toBeNull();
    expect(parseJob('outbound', outbound)).not.toHaveProperty('auth');
  });

  const valid: Array<[string, 'deliver' | 'outbound', object]> = [
    ['null sender', 'deliver', { ...deliver, sender: '' }],
    ['DSN options', 'deliver', { ...deliver, dsn: { ret: 'HDRS', envid: 'QQ314159' } }],
    ['NOTIFY=NEVER', 'deliver', { ...deliver, recipients: [{ address: 'b@example.test', notify: 'NEVER', orcpt: 'rfc822;b@example.test' }] }],
    ['NOTIFY list', 'deliver', { ...deliver, recipients: [{ address: 'b@example.test', notify: ['SUCCESS', 'DELAY'] }] }],
    ['UTF-8 address', 'deliver', { ...deliver, smtputf8: true, recipients: [{ address: 'δοκιμή@παράδειγμα.δοκιμή' }] }],
    ['full received', 'deliver', { ...deliver, received: { ...received, clientHostname: 'h.example.org', helo: 'h', authUser: 'u', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } } }],
    ['AUTH= of an authorized identity', 'outbound', { ...outbound, auth: 'alice+list@example.org' }],
    ['AUTH=<> (submitter not known)', 'deliver', { ...deliver, auth: null }],
    ['delivery state', 'outbound', { ...outbound, recipients: [{ address: 'c@example.net', status: 'deferred', attempts: 3, lastError: '451 4.7.1 try later', lastAttemptAt: '2025-01-01T11:00:00Z' }] }],
  ];
  it.each(valid)('accepts %s', (_name, queue, data) => {
    expect(() => parseJob(queue, data)).not.toThrow();
  });

  const invalid: Array<[string, 'deliver' | 'outbound', object, RegExp]> = [
    ['a future version', 'deliver', { ...deliver, v: 2 }, /v/],
    ['no version', 'deliver', { ...deliver, v: undefined }, /v/],
    ['no recipients', 'deliver', { ...deliver, recipients: [] }, /recipients/],
    ['angle brackets in an address', 'deliver', { ...deliver, sender: '<a@example.org>' }, /sender/],
    ['CRLF in an address', 'deliver', { ...deliver, recipients: [{ address: 'b@example.test\r\nRCPT TO:<x@y>' }] }, /recipients\.0\.address/],
    ['an unknown NOTIFY', 'deliver', { ...deliver, recipients: [{ address: 'b@x', notify: ['SOMETIMES'] }] }, /notify/],
    ['an empty NOTIFY list', 'deliver', { ...deliver, recipients: [{ address: 'b@x', notify: [] }] }, /notify/],
    ['a repeated NOTIFY', 'deliver', { ...deliver, recipients: [{ address: 'b@x', notify: ['DELAY', 'DELAY'] }] }, /repeat/],
    ['AUTH= in angle brackets', 'outbound', { ...outbound, auth: '<alice@example.org>' }, /auth/],
    ['CRLF in AUTH=', 'outbound', { ...outbound, auth: 'a@example.org\r\nRCPT TO:<x@y>' }, /auth/],
    ['an empty AUTH=', 'outbound', { ...outbound, auth: '' }, /auth/],
    ['a bad RET', 'deliver', { ...deliver, dsn: { ret: 'BODY' } }, /dsn\.ret/],
    ['a bad spool id', 'deliver', { ...deliver, spoolId: '../../etc' }, /spoolId/],
    ['a negative size', 'deliver', { ...deliver, size: -1 }, /size/],
    ['a date that is not ISO', 'deliver', { ...deliver, received: { ...received, at: 'yesterday' } }, /received\.at/],
    ['outbound without firstAttemptAt', 'outbound', { ...outbound, firstAttemptAt: undefined }, /firstAttemptAt/],
    ['an unknown delivery status', 'outbound', { ...outbound, recipients: [{ address: 'c@x', status: 'lost' }] }, /status/],
    ['not an object', 'deliver', 'hello' as unknown as object, /job/],
  ];
  it.each(invalid)('rejects %s', (_name, queue, data, pattern) => {
    let error: unknown;
    try {
      parseJob(queue, data);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JobValidationError);
    expect((error as JobValidationError).message).toMatch(pattern);
    expect((error as JobValidationError).queue).toBe(queue);
  });
});

describe('ids', () => {
  it('spool ids are Crockford base32, time-ordered and carry their time', () => {
    const a = newSpoolId(1_700_000_000_000);
    const b = newSpoolId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(spoolIdTime(a)).toBe(1_700_000_000_000);
    expect(new Set(Array.from({ length: 1000 }, () => newSpoolId())).size).toBe(1000);
  });
  it('job ids derive from spool ids and name their queue', () => {
    expect(jobId('deliver', spoolId)).toBe(`${spoolId}-d`);
    expect(queueOfJobId(jobId('outbound', spoolId))).toBe('outbound');
    expect(queueOfJobId('12345')).toBeUndefined();
  });
});
