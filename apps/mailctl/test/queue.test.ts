// mailctl queue list and show against a real Redis: jobs queued with @mail/queue's Producer and moved by real workers.
import { describe, expect, it } from 'vitest';
import { d, fixture, mailctl, message, o, useQueueFixture, workOff } from './queue-fixture.js';

useQueueFixture();

describe('mailctl queue list', () => {
  it('lists both queues with states, recipients, next attempts and a summary', async () => {
    const failing = await message('Subject: fail\r\n\r\nno\r\n');
    const later = await message('Subject: defer me\r\n\r\nlater\r\n');
    await workOff([later], [failing]);
    const both = await message('Subject: both\r\n\r\nhi\r\n', 'both');
    const retried = await message('Subject: retried\r\n\r\nx\r\n', 'outbound', {
      outbound: {
        recipients: [
          { address: 'dave@example.net', status: 'deferred', attempts: 2, lastError: '451 4.4.1 connection timed out' },
          { address: 'erin@example.net', status: 'delivered', attempts: 1 },
        ],
      },
    });
    const held = await message('Subject: held\r\n\r\nwait\r\n');
    expect((await mailctl('hold', d(held), '--reason', 'looks like spam')).code).toBe(0);

    const { code, out, err } = await mailctl('list');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/^ID\s+QUEUE\s+STATE\s+ARRIVAL\s+SIZE\s+SENDER$/m);
    const line = (id: string) => new RegExp(`^${id}\\s+(deliver|outbound)\\s+(\\S+)\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+(\\d+)\\s+(<[^>]*>)$`, 'm').exec(out);
    expect(line(d(both))?.slice(1)).toEqual(['deliver', 'waiting', '21', '<alice@example.org>']);
    expect(line(o(both))?.slice(1)).toEqual(['outbound', 'waiting', '21', '<bob@example.test>']);
    expect(line(d(failing))?.[2]).toBe('failed');
    expect(line(d(later))?.[2]).toBe('deferred');
    expect(line(d(held))?.[2]).toBe('held');
    expect(line(o(retried))?.[2]).toBe('waiting');
    const block = (id: string) => out.slice(out.indexOf(id)).split('\n\n')[0]!;
    expect(block(d(later))).toMatch(/^ {4}next attempt \d{4}-\S+Z$/m);
    expect(block(d(later))).toMatch(/^ {4}1 failed attempt: 452 4\.2\.2 mailbox full$/m);
    expect(block(d(failing))).toMatch(/^ {4}1 failed attempt: 554 5\.7\.1 rejected by policy$/m);
    expect(block(d(held))).toMatch(/^ {4}held since \S+Z: looks like spam$/m);
    expect(block(o(both))).toMatch(/^ {4}<carol@example\.net> {2}pending$/m);
    expect(block(o(retried))).toMatch(/^ {4}<dave@example\.net> {2}deferred {2}2 attempts: 451 4\.4\.1 connection timed out$/m);
    expect(block(o(retried))).toMatch(/^ {4}<erin@example\.net> {2}delivered {2}1 attempt$/m);
    expect(out.split('\n').at(-1)).toMatch(/^-- 6 jobs, \d+ bytes: deliver 4 \(1 waiting, 1 deferred, 1 failed, 1 held\), outbound 2 \(2 waiting\)$/);

    const json = await mailctl('list', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { jobs: Array<Record<string, unknown>>; counts: unknown; total: number };
    expect(parsed.total).toBe(6);
    expect(parsed.counts).toEqual({ deliver: { waiting: 1, delayed: 1, failed: 1, held: 1 }, outbound: { waiting: 2 } });
    const later1 = parsed.jobs.find((j) => j.id === d(later))!;
    expect(later1).toMatchObject({ queue: 'deliver', state: 'delayed', sender: 'alice@example.org', lastError: '452 4.2.2 mailbox full', attempts: 1 });
    expect(Date.parse(later1.nextAttemptAt as string)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(parsed.jobs.find((j) => j.id === o(retried))).toMatchObject({ recipients: [{ address: 'dave@example.net', status: 'deferred', attempts: 2 }, { address: 'erin@example.net', status: 'delivered' }] });

    const only = JSON.parse((await mailctl('list', '--json', '--queue', 'outbound')).out) as { jobs: Array<{ id: string }> };
    expect(only.jobs.map((j) => j.id).sort()).toEqual([o(both), o(retried)].sort());
    const deferredOnly = await mailctl('list', '--state', 'deferred');
    expect(deferredOnly.out).toContain(d(later));
    expect(deferredOnly.out).not.toContain(d(held));
    expect(deferredOnly.out.split('\n').at(-1)).toMatch(/^-- 1 job, \d+ bytes: deliver 1 \(1 deferred\), outbound 0$/);
  });

  it('says so when the queue is empty', async () => {
    expect(await mailctl('list')).toEqual({ code: 0, out: '-- queue is empty', err: '' });
    expect(JSON.parse((await mailctl('list', '--json')).out)).toEqual({ jobs: [], counts: { deliver: {}, outbound: {} }, total: 0, bytes: 0 });
  });
});

describe('mailctl queue show', () => {
  it('prints the envelope, the headers and the first body lines; --body the whole message; --json the job', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\r\n');
    const text = `From: Alice <alice@example.org>\r\nSubject: =?utf-8?q?caf=C3=A9?= \x1b[31mred\r\n folded\r\n\r\n${body}\r\n`;
    const spoolId = await message(text, 'both');

    const shown = await mailctl('show', o(spoolId));
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^Job: +\S+-o \(outbound, waiting\)$/m);
    expect(shown.out).toMatch(new RegExp(`^Spool: +${spoolId} \\(${Buffer.byteLength(text)} bytes, 2 references\\)$`, 'm'));
    expect(shown.out).toMatch(/^Sender: +<bob@example\.test>$/m);
    expect(shown.out).toMatch(/^Recipient: +<carol@example\.net> NOTIFY=FAILURE,DELAY pending$/m);
    expect(shown.out).toMatch(/^Received: +from client\.example\.org \(client\.example\.org \[127\.0\.0\.1\]\), with ESMTPSA, authenticated as bob@example\.test, at 2026-12-03T10:00:00Z$/m);
    expect(shown.out).toMatch(/^First attempt: +\S+Z$/m);
    const headers = shown.out.split('*** HEADERS ***\n')[1]!.split('\n*** BODY')[0];
    // The escape character reaches the terminal as text, never as a control sequence.
    expect(headers).toBe('From: Alice <alice@example.org>\nSubject: =?utf-8?q?caf=C3=A9?= \\x1b[31mred\n folded');
    const preview = shown.out.split('*** BODY (first 20 lines) ***\n')[1]!.split('\n');
    expect(preview.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 1}`));
    expect(preview[20]).toBe(`*** ${Buffer.byteLength(text)} bytes in all; --body prints the whole message ***`);

    const whole = await mailctl('show', d(spoolId), '--body');
    expect(whole.code).toBe(0);
    expect(whole.out.split('*** MESSAGE CONTENTS ***\n')[1]).toBe(`${text.replace(/\r\n/g, '\n')}*** MESSAGE END ***`);

    const json = JSON.parse((await mailctl('show', d(spoolId), '--json')).out) as { job: Record<string, unknown>; spool: Record<string, unknown> };
    expect(json.job).toMatchObject({ id: d(spoolId), queue: 'deliver', state: 'waiting', data: { v: 1, spoolId, sender: 'alice@example.org', messageId: '<1@example.org>' } });
    expect(json.spool).toMatchObject({ id: spoolId, refs: 2, size: Buffer.byteLength(text) });
  });

  it('streams a message of several spool chunks whole with --body and reads only its start for the preview', async () => {
    const line = `${'x'.repeat(98)}\r\n`;
    const text = `Subject: big\r\n\r\n${line.repeat(7000)}`;
    const spoolId = await message(text);
    const whole = await mailctl('show', d(spoolId), '--body');
    expect(whole.code).toBe(0);
    expect(whole.out.split('*** MESSAGE CONTENTS ***\n')[1]).toBe(`${text.replace(/\r\n/g, '\n')}*** MESSAGE END ***`);
    const preview = await mailctl('show', d(spoolId));
    expect(preview.out.split('\n').at(-1)).toBe(`*** ${Buffer.byteLength(text)} bytes in all; --body prints the whole message ***`);
  });

  it('shows a short message whole and answers 67 for an unknown id and 66 for a missing message', async () => {
    const spoolId = await message('Subject: short\r\n\r\none line\r\n');
    const shown = await mailctl('show', d(spoolId));
    expect(shown.out).toMatch(/\*\*\* HEADERS \*\*\*\nSubject: short\n\*\*\* BODY \(first 20 lines\) \*\*\*\none line\n\*\*\* MESSAGE END \*\*\*$/);
    expect(await mailctl('show', `${'0'.repeat(26)}-d`)).toMatchObject({ code: 67, err: `mailctl queue: no job ${'0'.repeat(26)}-d` });
    expect((await mailctl('show', 'wait')).code).toBe(67);
    await fixture().producer.spool.discard(spoolId);
    const gone = await mailctl('show', d(spoolId));
    expect(gone.code).toBe(66);
    expect(gone.out).toMatch(/^Spool: +\S+ \(missing\)$/m);
    expect(gone.err).toContain('is not in the spool');
  });
});
