// The mda from start(config) over a real Redis and real Maildirs: aliases, virtual aliases, plus-addressing,
// catch-all, forwarding to outbound, unknown recipients, loops, the null sender, quota, spam and virus checks.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobId, type DeliverJob, type OutboundJob } from '@mail/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, parseReport } from './reports.js';
import { eventually, fixture, USER, type Fixture } from './support.js';

const msg = (id: string, extra = '') => `Received: from client.example.org\r\nFrom: Alice <alice@example.test>\r\nSubject: test ${id}\r\nMessage-ID: <${id}@example.test>\r\n${extra}\r\nHello ${id}.\r\n`;

let fx: Fixture;
beforeAll(async () => {
  fx = await fixture(
    {
      users: [
        USER('bob@example.test'),
        USER('alice@example.test'),
        USER('carol@example.test', 'userdb_quota_rule=*:bytes=600'),
        USER('dave@other.test'),
        USER('eve@catch.test'),
      ],
      domains: ['example.test', 'other.test', 'catch.test'],
      aliases: ['postmaster: bob'],
      virtual: [
        'team@example.test bob@example.test, alice@example.test, friend@example.net',
        'relay@example.test friend@example.net',
        'list@example.test bob@example.test, nobody@example.test',
        '@catch.test dave@other.test',
      ],
    },
    {
      mda: {
        maxHops: 5,
        quotaGrace: '5s', // long enough that a loaded machine still makes the first attempt inside it
        spamCommand: "if grep -q '^X-Test-Spam: yes'; then exit 1; else exit 0; fi",
        virusCommand: "if grep -q 'EICAR-TEST-SIGNATURE'; then exit 1; else exit 0; fi",
      },
    },
  );
  await fx.start();
});
afterAll(async () => {
  await fx?.stop();
});

/** The reports (messages from MAILER-DAEMON) in an account's INBOX. */
async function reportsFor(account: string) {
  return (await fx.messages(account)).filter((m) => field(m, 'from')?.includes('MAILER-DAEMON@mx.example.test'));
}

describe('local delivery', () => {
  it('writes the message with Return-Path and Delivered-To before it', async () => {
    const spoolId = await fx.submit(msg('plain'), { recipients: [{ address: 'bob@example.test' }] });
    await fx.delivered(spoolId);
    const [m, ...rest] = (await fx.messages('bob@example.test')).filter((x) => x.includes('test plain'));
    expect(rest).toEqual([]);
    expect(m!.toString()).toBe(`Return-Path: <alice@example.test>\r\nDelivered-To: bob@example.test\r\n${msg('plain')}`);
  });

  it.each([
    ['a local alias (aliases file)', 'postmaster@example.test', 'bob@example.test'],
    ['a plus-address', 'bob+news@example.test', 'bob@example.test'],
    ['a catch-all for an address without account', 'whoever@catch.test', 'dave@other.test'],
    ['an account in a catch-all domain', 'eve@catch.test', 'eve@catch.test'],
  ])('%s: %s → %s', async (name, address, mailbox) => {
    const id = name.replace(/\W+/g, '-');
    const spoolId = await fx.submit(msg(id), { recipients: [{ address }] });
    await fx.delivered(spoolId);
    const got = (await fx.messages(mailbox)).filter((x) => x.includes(`test ${id}`));
    expect(got).toHaveLength(1);
    expect(field(got[0]!, 'delivered-to')).toBe(mailbox);
  });
});

describe('virtual aliases with remote targets', () => {
  it('delivers the local members and hands the remote one to an outbound job on the same spooled message', async () => {
    const spoolId = await fx.submit(msg('team'), { recipients: [{ address: 'team@example.test', notify: ['FAILURE'] }] });
    await fx.delivered(spoolId);
    for (const a of ['bob@example.test', 'alice@example.test']) expect((await fx.messages(a)).filter((x) => x.includes('test team'))).toHaveLength(1);
    const out = await fx.admin.get(jobId('outbound', spoolId));
    const data = out!.data as OutboundJob;
    expect(data.sender).toBe('alice@example.test');
    expect(data.recipients).toEqual([expect.objectContaining({ address: 'friend@example.net', orcpt: 'rfc822;team@example.test', notify: ['FAILURE'] })]);
    // The deliver job released its reference; the outbound job holds the one left, and its release deletes the message.
    await eventually(async () => (await fx.producer.spool.info(spoolId)).refs === 1, 5000, 'one reference left');
    expect(await fx.producer.spool.release(spoolId, jobId('outbound', spoolId))).toBe(0);
    expect(await fx.producer.spool.exists(spoolId)).toBe(false);
  });

  it('copies the message when an outbound job already carries it', async () => {
    const spoolId = await fx.submit(msg('relay'), { recipients: [{ address: 'relay@example.test' }] }, { outbound: true });
    await fx.delivered(spoolId);
    const outbound = (await fx.jobs('outbound', ['waiting', 'delayed'])).map((j) => j.data as OutboundJob);
    const own = outbound.find((d) => d.spoolId === spoolId);
    expect(own?.recipients.map((r) => r.address)).toEqual(['someone@example.net']);
    const copy = outbound.find((d) => d.spoolId !== spoolId && d.recipients.some((r) => r.address === 'friend@example.net') && d.messageId === undefined && d.size === own!.size);
    expect(copy).toBeDefined();
    expect((await fx.producer.spool.get(copy!.spoolId)).toString()).toBe(msg('relay'));
    expect((await fx.producer.spool.info(spoolId)).refs).toBe(1);
  });
});

describe('bounces', () => {
  it('bounces an unknown recipient with 5.1.1 to a local sender, from the null sender', async () => {
    const spoolId = await fx.submit(msg('unknown'), { recipients: [{ address: 'nobody@example.test' }], dsn: { envid: 'ENV-1' } });
    await fx.delivered(spoolId);
    const report = await eventually(async () => (await reportsFor('alice@example.test')).find((m) => m.includes('test unknown')), 15_000, 'report delivered');
    expect(field(report, 'return-path')).toBe('<>');
    expect(field(report, 'auto-submitted')).toBe('auto-replied');
    const r = parseReport(report);
    expect(r.type).toBe('multipart/report');
    expect(r.parts).toEqual(['text/plain', 'message/delivery-status', 'message/rfc822']);
    expect(r.groups[0]).toMatchObject({ 'reporting-mta': 'dns; mx.example.test', 'original-envelope-id': 'ENV-1', 'x-queue-id': spoolId });
    expect(r.groups[1]).toMatchObject({ 'final-recipient': 'rfc822;nobody@example.test', action: 'failed', status: '5.1.1' });
  });

  it('bounces only the unknown member of a list, naming the list as the original recipient', async () => {
    const spoolId = await fx.submit(msg('list'), { recipients: [{ address: 'list@example.test' }] });
    await fx.delivered(spoolId);
    expect((await fx.messages('bob@example.test')).filter((x) => x.includes('test list'))).toHaveLength(1);
    const report = await eventually(async () => (await reportsFor('alice@example.test')).find((m) => m.includes('test list')), 15_000, 'report delivered');
    expect(parseReport(report).groups.slice(1)).toEqual([expect.objectContaining({ 'original-recipient': 'rfc822;list@example.test', 'final-recipient': 'rfc822;nobody@example.test', status: '5.1.1' })]);
  });

  it.each([
    ['a Delivered-To naming the mailbox', 'Delivered-To: bob@example.test\r\n', /mail forwarding loop/],
    ['too many Received fields', 'Received: a\r\nReceived: b\r\nReceived: c\r\nReceived: d\r\nReceived: e\r\n', /too many hops/],
  ])('bounces a loop (%s) with 5.4.6', async (name, extra, text) => {
    const id = `loop-${name.replace(/\W+/g, '-')}`;
    const spoolId = await fx.submit(msg(id, extra), { recipients: [{ address: 'bob@example.test' }] });
    await fx.delivered(spoolId);
    expect((await fx.messages('bob@example.test')).filter((x) => x.includes(`test ${id}`))).toEqual([]);
    const report = await eventually(async () => (await reportsFor('alice@example.test')).find((m) => m.includes(`test ${id}`)), 15_000, 'report delivered');
    const group = parseReport(report).groups[1]!;
    expect(group.status).toBe('5.4.6');
    expect(group['diagnostic-code']).toMatch(text);
  });

  it('sends nothing for a message from the null sender', async () => {
    const spoolId = await fx.submit(msg('null-sender'), { sender: '', recipients: [{ address: 'nobody@example.test' }] });
    await fx.delivered(spoolId);
    await new Promise((r) => setTimeout(r, 300));
    // Spool ids sort by time: any job made because of this message carries a later one.
    const later = [...(await fx.jobs('deliver')), ...(await fx.jobs('outbound'))].filter((j) => j.spoolId !== undefined && j.spoolId > spoolId);
    expect(later).toEqual([]);
    expect(await fx.producer.spool.exists(spoolId)).toBe(false);
  });

  it('sends the report of a remote sender as an outbound job from <>', async () => {
    const spoolId = await fx.submit(msg('remote-sender'), { sender: 'someone@example.org', recipients: [{ address: 'nobody@example.test' }] });
    await fx.delivered(spoolId);
    const job = await eventually(async () => (await fx.jobs('outbound', ['waiting'])).find((j) => (j.data as OutboundJob).recipients[0]?.address === 'someone@example.org'));
    const data = job.data as OutboundJob;
    expect(data.sender).toBe('');
    const report = await fx.producer.spool.get(data.spoolId);
    expect(field(report, 'to')).toBe('<someone@example.org>');
    expect(parseReport(report).groups[1]).toMatchObject({ status: '5.1.1' });
  });

  it('follows NOTIFY: no report for NOTIFY=NEVER, a success report for SUCCESS, an "expanded" one for a list', async () => {
    const never = await fx.submit(msg('never'), { recipients: [{ address: 'nobody@example.test', notify: 'NEVER' }] });
    const success = await fx.submit(msg('success'), { recipients: [{ address: 'bob@example.test', notify: ['SUCCESS'] }] });
    const expanded = await fx.submit(msg('expanded'), { recipients: [{ address: 'team@example.test', notify: ['SUCCESS', 'FAILURE'] }] });
    for (const id of [never, success, expanded]) await fx.delivered(id);
    const ok = await eventually(async () => (await reportsFor('alice@example.test')).find((m) => m.includes('test success')));
    expect(parseReport(ok).groups[1]).toMatchObject({ action: 'delivered', status: '2.0.0', 'final-recipient': 'rfc822;bob@example.test' });
    const ex = await eventually(async () => (await reportsFor('alice@example.test')).find((m) => m.includes('test expanded')));
    expect(parseReport(ex).groups[1]).toMatchObject({ action: 'expanded', 'final-recipient': 'rfc822;team@example.test' });
    expect((await fx.admin.get(jobId('outbound', expanded)))?.data).toMatchObject({ recipients: [expect.objectContaining({ notify: ['FAILURE'] })] });
    expect((await reportsFor('alice@example.test')).filter((m) => m.includes('test never'))).toEqual([]);
  });
});

describe('quota', () => {
  it('defers an over-quota mailbox and bounces with 5.2.2 once the grace period is over', async () => {
    const big = msg('quota', `X-Pad: ${'x'.repeat(900)}\r\n`);
    const spoolId = await fx.submit(big, { recipients: [{ address: 'carol@example.test' }] });
    const deferred = await eventually(async () => {
      const j = await fx.admin.get(jobId('deliver', spoolId));
      return j && j.state === 'delayed' ? j : undefined;
    }, 10_000, 'deferred');
    expect(deferred.lastError).toMatch(/452 4\.2\.2/);
    await fx.delivered(spoolId, 20_000);
    expect(await fx.messages('carol@example.test')).toEqual([]);
    const report = await eventually(async () => (await reportsFor('alice@example.test')).find((m) => m.includes('test quota')));
    expect(parseReport(report).groups[1]).toMatchObject({ status: '5.2.2', action: 'failed', 'final-recipient': 'rfc822;carol@example.test' });
  });
});

describe('content checks', () => {
  it('files spam in Junk with X-Spam-Flag: YES, dropping the flag the message brought', async () => {
    const spoolId = await fx.submit(msg('spam', 'X-Test-Spam: yes\r\nX-Spam-Flag: NO\r\n'), { recipients: [{ address: 'bob@example.test' }] });
    await fx.delivered(spoolId);
    expect((await fx.messages('bob@example.test')).filter((x) => x.includes('test spam'))).toEqual([]);
    const [junk] = (await fx.messages('bob@example.test', '.Junk')).filter((x) => x.includes('test spam'));
    expect(junk!.toString()).toMatch(/^Return-Path: <alice@example\.test>\r\nDelivered-To: bob@example\.test\r\nX-Spam-Flag: YES\r\nReceived:/);
    expect(junk!.toString()).not.toContain('X-Spam-Flag: NO');
  });

  it('quarantines a virus: nobody gets it and no report goes out', async () => {
    const spoolId = await fx.submit(msg('virus', 'X-Payload: EICAR-TEST-SIGNATURE\r\n'), { recipients: [{ address: 'bob@example.test' }, { address: 'nobody@example.test' }] });
    await fx.delivered(spoolId);
    const dir = join(fx.config.paths.data, 'quarantine');
    expect(await readdir(dir)).toContain(`${spoolId}.eml`);
    expect((await readFile(join(dir, `${spoolId}.eml`))).toString()).toContain('test virus');
    expect((await fx.messages('bob@example.test')).filter((x) => x.includes('test virus'))).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await reportsFor('alice@example.test')).filter((x) => x.includes('test virus'))).toEqual([]);
  });
});

describe('jobs the mda makes', () => {
  it('queues reports as valid deliver jobs from the null sender', async () => {
    const reports = (await fx.jobs('deliver', ['completed'])).map((j) => j.data as DeliverJob).filter((d) => d.sender === '' && d.received.protocol === 'local');
    expect(reports.length).toBeGreaterThan(0);
    for (const d of reports) expect(d.recipients.map((r) => r.address)).toEqual(['alice@example.test']);
  });
});
