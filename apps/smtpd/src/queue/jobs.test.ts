// Envelope → job mapping: which queues, DSN parameters, trace facts, and the Message-ID scanner; every job built
// here must pass @mail/queue's own schemas.
import { describe, expect, it } from 'vitest';
import { DeliverJobV1, newSpoolId, OutboundJobV1 } from '@mail/queue';
import type { Envelope } from '../ports.js';
import { authForJob, jobCount, jobsFor, MessageIdScanner, notifyForJob } from './jobs.js';

const none = { never: false, success: false, failure: false, delay: false };

function envelope(over: Partial<Envelope> = {}): Envelope {
  return {
    id: newSpoolId(),
    mailFrom: 'alice@local.test',
    recipients: [
      { address: 'bob@local.test', local: true, notify: { ...none, success: true, failure: true }, orcpt: { type: 'rfc822', address: 'Bob@local.test' } },
      { address: 'carol@remote.test', local: false, notify: { ...none, never: true } },
    ],
    body: '8BITMIME',
    smtputf8: false,
    ret: 'HDRS',
    envid: 'QQ314159',
    auth: 'alice@local.test',
    client: { ip: '192.0.2.7', port: 40000, rdns: 'client.example', helo: 'client.test', tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, account: 'alice@local.test' },
    listener: 'submission',
    protocol: 'ESMTPSA',
    receivedAt: new Date('2026-01-02T03:04:05.000Z'),
    ...over,
  };
}

describe('jobsFor', () => {
  it('splits local and remote recipients into a deliver and an outbound job that pass the schemas', () => {
    const e = envelope();
    const jobs = jobsFor(e, { spoolId: e.id, size: 1234, messageId: '<m1@local.test>' });
    const deliver = DeliverJobV1.parse(jobs.deliver);
    const outbound = OutboundJobV1.parse(jobs.outbound);
    expect(deliver.recipients).toEqual([{ address: 'bob@local.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;Bob@local.test' }]);
    expect(outbound.recipients).toMatchObject([{ address: 'carol@remote.test', notify: 'NEVER', status: 'pending', attempts: 0 }]);
    expect(outbound.firstAttemptAt).toBe('2026-01-02T03:04:05.000Z');
    for (const j of [deliver, outbound]) {
      expect(j).toMatchObject({
        spoolId: e.id,
        size: 1234,
        sender: 'alice@local.test',
        dsn: { ret: 'HDRS', envid: 'QQ314159' },
        smtputf8: false,
        eightBitMime: true,
        messageId: '<m1@local.test>',
        received: {
          at: '2026-01-02T03:04:05.000Z',
          clientAddress: '192.0.2.7',
          clientHostname: 'client.example',
          helo: 'client.test',
          authUser: 'alice@local.test',
          protocol: 'ESMTPSA',
          tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
        },
      });
    }
    expect(jobCount(e)).toBe(2);
  });

  it('makes only the job a message needs, and leaves out what the client did not give', () => {
    const e = envelope({ recipients: [{ address: 'bob@local.test', local: true }], mailFrom: '', body: '7BIT', smtputf8: true, auth: null, client: { ip: '::1', port: 1, helo: '' } });
    delete e.ret;
    delete e.envid;
    const jobs = jobsFor(e, { spoolId: e.id, size: 1 });
    expect(jobs.outbound).toBeUndefined();
    const d = DeliverJobV1.parse(jobs.deliver);
    expect(d).toMatchObject({ sender: '', dsn: {}, smtputf8: true, eightBitMime: false, received: { clientAddress: '::1' } });
    expect(d.received).not.toHaveProperty('helo');
    expect(d.received).not.toHaveProperty('authUser');
    expect(d).not.toHaveProperty('messageId');
    expect(jobCount(e)).toBe(1);
    const remote = envelope({ recipients: [{ address: 'x@remote.test', local: false }] });
    expect(Object.keys(jobsFor(remote, { spoolId: remote.id, size: 1 }))).toEqual(['outbound']);
  });
});

describe('AUTH= in the jobs (RFC 4954 §5)', () => {
  it('puts the authorized identity into both jobs, and <> (null) when there is none', () => {
    const e = envelope();
    const jobs = jobsFor(e, { spoolId: e.id, size: 1 });
    expect(DeliverJobV1.parse(jobs.deliver).auth).toBe('alice@local.test');
    expect(OutboundJobV1.parse(jobs.outbound).auth).toBe('alice@local.test');
    // An unauthenticated client: smtpd's envelope says null whatever AUTH= it gave; the jobs say <> too.
    const anonymous = envelope({ auth: null, client: { ip: '192.0.2.9', port: 1, helo: 'x.test' } });
    const more = jobsFor(anonymous, { spoolId: anonymous.id, size: 1 });
    expect(DeliverJobV1.parse(more.deliver).auth).toBeNull();
    expect(OutboundJobV1.parse(more.outbound).auth).toBeNull();
  });

  it.each<[string, string | null, string | null]>([
    ['an account that is a mailbox', 'alice@local.test', 'alice@local.test'],
    ['a mailbox that needs xtext on the wire', 'a+b=c@local.test', 'a+b=c@local.test'],
    ['a UTF-8 mailbox', 'δοκιμή@παράδειγμα.δοκιμή', 'δοκιμή@παράδειγμα.δοκιμή'],
    ['a quoted local part', '"a b"@local.test', '"a b"@local.test'],
    ['an account without a domain', 'alice', null],
    ['something that is no mailbox', 'alice@local.test> RCPT TO:<x@y', null],
    ['a CRLF', 'alice@local.test\r\nRSET', null],
    ['none', null, null],
  ])('%s → %j', (_name, auth, want) => {
    expect(authForJob({ auth })).toBe(want);
    const e = envelope({ auth });
    expect(OutboundJobV1.parse(jobsFor(e, { spoolId: e.id, size: 1 }).outbound).auth).toBe(want);
  });
});

describe('notifyForJob', () => {
  it.each([
    [{ ...none, never: true }, 'NEVER'],
    [{ ...none, delay: true }, ['DELAY']],
    [{ ...none, success: true, failure: true, delay: true }, ['SUCCESS', 'FAILURE', 'DELAY']],
    [none, undefined],
  ])('%j → %j', (n, want) => expect(notifyForJob(n)).toEqual(want));
});

describe('MessageIdScanner', () => {
  const scan = (pieces: string[], limit?: number): string | undefined => {
    const s = new MessageIdScanner(limit);
    for (const p of pieces) s.feed(Buffer.from(p));
    return s.messageId();
  };
  it.each<[string, string[], string | undefined]>([
    ['simple', ['Subject: a\r\nMessage-ID: <a@b>\r\n\r\nbody'], '<a@b>'],
    ['any case, folded, split over pieces', ['message-id:\r\n <a', '@b>\r\nX: y\r\n\r\n'], '<a@b>'],
    ['only in the body', ['Subject: a\r\n\r\nMessage-ID: <a@b>\r\n'], undefined],
    ['none', ['Subject: a\r\n\r\n'], undefined],
    ['not printable ASCII', ['Message-ID: <ä@b>\r\n\r\n'], undefined],
    ['beyond the limit', ['Subject: aaaaaaaaaaaaaaaaaaaa\r\nMessage-ID: <a@b>\r\n\r\n'], undefined],
  ])('%s', (_name, pieces, want) => expect(scan(pieces, _name === 'beyond the limit' ? 20 : undefined)).toBe(want));
});
