// Delivery against real SMTP servers on loopback, with a real Redis and a test DNS server.
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@mail/testing';
import { harness, message, waitFor, type Harness } from './support/harness.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-server.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function server(script: Parameters<typeof startSmtpServer>[0]): Promise<TestSmtpServer> {
  const s = await startSmtpServer(script);
  open.push(s);
  return s;
}

async function setup(port: number, zones: Parameters<typeof harness>[0]['zones'] = {}, queueRunner = {}): Promise<Harness> {
  const h = await harness({
    zones: { 'remote.test': { MX: [[10, 'mx.remote.test']] }, 'mx.remote.test': { A: ['127.0.0.1'] }, ...zones },
    queueRunner: { transport: { '*': `smtp::${port}` }, ...queueRunner },
  });
  open.push(h);
  return h;
}

const EXT = ['PIPELINING', 'SIZE 10000000', '8BITMIME', 'DSN', 'ENHANCEDSTATUSCODES'];

describe('outbound delivery', () => {
  it('retries a 451 and delivers on the second attempt, passing DSN parameters on', async () => {
    let rcpts = 0;
    const s = await server({ extensions: EXT, rcpt: () => (rcpts++ === 0 ? '451 4.3.0 greylisted, try again' : undefined) });
    const h = await setup(s.port);
    const id = await h.submit(message('m1'), {
      recipients: [{ address: 'bob@remote.test', notify: ['FAILURE', 'DELAY'], orcpt: 'rfc822;bob@remote.test' }],
      dsn: { ret: 'HDRS', envid: 'env 1' },
    });
    const job = await h.settled(id);
    expect(job.state).toBe('completed');
    expect(job.recipients[0]).toMatchObject({ address: 'bob@remote.test', status: 'delivered', attempts: 2 });
    expect(s.received).toHaveLength(1);
    const got = s.received[0]!;
    expect(got.from).toBe('alice@local.test');
    expect(got.mailParams).toMatch(/SIZE=\d+/);
    expect(got.mailParams).toContain('RET=HDRS');
    expect(got.mailParams).toContain('ENVID=env+201');
    expect(got.rcptParams[0]).toBe('NOTIFY=FAILURE,DELAY ORCPT=rfc822;bob@remote.test');
    expect(got.data.toString()).toContain('\r\n.leading dot\r\n');
    expect(got.messageId).toBe('<m1@local.test>');
    // Pipelined: MAIL, RCPT and DATA went out together and were answered in order.
    expect(s.commands.filter((c) => c.startsWith('EHLO'))[0]).toBe('EHLO mta.local.test');
  });

  it('bounces a 550 with a DSN to the (local) sender that quotes the reply', async () => {
    const s = await server({ extensions: EXT, rcpt: (to) => (to === 'nobody@remote.test' ? '550 5.1.1 <nobody@remote.test>: Recipient address rejected' : undefined) });
    const h = await setup(s.port);
    const id = await h.submit(message('m2'), { recipients: [{ address: 'bob@remote.test' }, { address: 'nobody@remote.test' }] });
    const job = await h.settled(id);
    expect(job.state).toBe('completed');
    expect(job.recipients).toMatchObject([
      { address: 'bob@remote.test', status: 'delivered' },
      { address: 'nobody@remote.test', status: 'bounced' },
    ]);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]!.to).toEqual(['bob@remote.test']);
    const reports = await waitFor(async () => {
      const r = await h.localReports();
      return r.length > 0 ? r : undefined;
    });
    expect(reports).toHaveLength(1);
    const { job: dsnJob, text } = reports[0]!;
    expect(dsnJob.sender).toBe('');
    expect(dsnJob.recipients.map((r) => r.address)).toEqual(['alice@local.test']);
    expect(text).toContain('Content-Type: multipart/report; report-type=delivery-status');
    expect(text).toContain('Final-Recipient: rfc822;nobody@remote.test');
    expect(text).toContain('Action: failed');
    expect(text).toContain('Status: 5.1.1');
    expect(text).toContain('Remote-MTA: dns; mx.remote.test');
    expect(text).toMatch(/Diagnostic-Code: smtp; 550 5\.1\.1 <nobody@remote\.test>: Recipient address\s+rejected/);
    expect(text).not.toContain('Final-Recipient: rfc822;bob@remote.test');
    expect(text).toContain('Subject: test m2');
    expect(text).toContain('In-Reply-To: <m2@local.test>');
  });

  it('sends no DSN for a message from the null sender', async () => {
    const s = await server({ extensions: EXT, rcpt: () => '550 5.1.1 no such user' });
    const h = await setup(s.port);
    const id = await h.submit(message('m3'), { sender: '', recipients: [{ address: 'bob@remote.test' }] });
    const job = await h.settled(id);
    expect(job.recipients[0]).toMatchObject({ status: 'bounced' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.localReports()).toEqual([]);
    expect((await h.outboundJobs()).filter((j) => j.id !== id)).toEqual([]);
  });

  it('sends the DSN of a remote sender as an outbound job', async () => {
    const s = await server({ extensions: EXT, rcpt: (to) => (to.startsWith('bob') ? '550 5.1.1 no such user' : undefined) });
    const h = await setup(s.port);
    const id = await h.submit(message('m4'), { sender: 'carol@remote.test', recipients: [{ address: 'bob@remote.test' }] });
    await h.settled(id);
    // The report itself goes out to carol@remote.test through the same server.
    await waitFor(async () => s.received.find((m) => m.from === '' && m.to[0] === 'carol@remote.test'), 15_000, 'the DSN to reach the remote sender');
    expect(await h.localReports()).toEqual([]);
  });

  it('bounces at once for a domain with a null MX, without connecting anywhere', async () => {
    const s = await server({ extensions: EXT });
    const h = await setup(s.port, { 'nullmx.test': { MX: [[0, '']] } });
    const id = await h.submit(message('m5'), { recipients: [{ address: 'x@nullmx.test' }] });
    const job = await h.settled(id);
    expect(job.recipients[0]).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(job.recipients[0]!.lastError).toMatch(/null MX/);
    expect(s.connections).toBe(0);
    const [report] = await waitFor(async () => {
      const r = await h.localReports();
      return r.length > 0 ? r : undefined;
    });
    expect(report!.text).toContain('Status: 5.1.10');
  });

  it('retries an unreachable host on the schedule and bounces when the queue lifetime ends', async () => {
    const dead = await freePort();
    const h = await setup(dead, { 'down.test': { A: ['127.0.0.1'] } }, { retrySchedule: { first: '200ms', max: '400ms', giveUp: '2s' } });
    const id = await h.submit(message('m6'), { recipients: [{ address: 'x@down.test' }] });
    const job = await h.settled(id, 20_000);
    expect(job.state).toBe('completed');
    const r = job.recipients[0]!;
    expect(r.status).toBe('bounced');
    expect(r.attempts).toBeGreaterThanOrEqual(3);
    expect(r.lastError).toMatch(/ECONNREFUSED/);
    const [report] = await waitFor(async () => {
      const x = await h.localReports();
      return x.length > 0 ? x : undefined;
    });
    expect(report!.text).toContain('Status: 4.4.7');
    expect(report!.text).toContain('Final-Recipient: rfc822;x@down.test');
    expect(report!.text).toMatch(/ECONNREFUSED/);
  });

  it('tries the next MX host when the first cannot be reached', async () => {
    const s = await server({ extensions: EXT });
    const h = await setup(s.port, { 'two.test': { MX: [[10, 'mx1.two.test'], [20, 'mx2.two.test']] }, 'mx1.two.test': { A: ['127.0.0.2'] }, 'mx2.two.test': { A: ['127.0.0.1'] } });
    const id = await h.submit(message('m7'), { recipients: [{ address: 'x@two.test' }] });
    const job = await h.settled(id);
    expect(job.recipients[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(s.received).toHaveLength(1);
  });

  it('bounces a message larger than the SIZE the server declares', async () => {
    const s = await server({ extensions: ['SIZE 100', 'DSN'] });
    const h = await setup(s.port);
    const id = await h.submit(message('m8', 'X-Pad: ' + 'x'.repeat(200) + '\r\n'), { recipients: [{ address: 'bob@remote.test' }] });
    const job = await h.settled(id);
    expect(job.recipients[0]).toMatchObject({ status: 'bounced' });
    expect(job.recipients[0]!.lastError).toMatch(/exceeds the 100 octets/);
    expect(s.commands.some((c) => c.startsWith('MAIL'))).toBe(false);
  });

  it('refuses to send an SMTPUTF8 message to a server without SMTPUTF8', async () => {
    const s = await server({ extensions: EXT });
    const h = await setup(s.port);
    const id = await h.submit(message('m9', '', 'Ålice <ålice@local.test>'), { sender: 'ålice@local.test', smtputf8: true, recipients: [{ address: 'bob@remote.test' }] });
    const job = await h.settled(id);
    expect(job.recipients[0]).toMatchObject({ status: 'bounced' });
    expect(job.recipients[0]!.lastError).toMatch(/does not support SMTPUTF8/);
    expect(s.received).toHaveLength(0);
  });

  it('falls back to HELO and reuses one connection for several messages', async () => {
    const s = await server({ noEhlo: true });
    const h = await setup(s.port);
    const ids = [await h.submit(message('a1'), { recipients: [{ address: 'bob@remote.test' }] })];
    await h.settled(ids[0]!);
    ids.push(await h.submit(message('a2'), { recipients: [{ address: 'bob@remote.test' }] }));
    await h.settled(ids[1]!);
    expect(s.received.map((m) => m.messageId)).toEqual(['<a1@local.test>', '<a2@local.test>']);
    expect(s.commands.filter((c) => c.startsWith('HELO'))).toHaveLength(1);
    expect(s.connections).toBe(1);
  });

  it('connects afresh when a cached connection turns out to be dead', async () => {
    let mails = 0;
    const s = await server({ extensions: EXT, mail: () => (++mails === 2 ? 'drop' : undefined) });
    const h = await setup(s.port);
    const a = await h.submit(message('c1'), { recipients: [{ address: 'bob@remote.test' }] });
    await h.settled(a);
    const b = await h.submit(message('c2'), { recipients: [{ address: 'bob@remote.test' }] });
    const job = await h.settled(b);
    expect(job.recipients[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(s.connections).toBe(2);
    expect(s.received.map((m) => m.messageId)).toEqual(['<c1@local.test>', '<c2@local.test>']);
  });

  it('warns the sender once with a "delayed" DSN after delayWarning', async () => {
    const s = await server({ extensions: EXT, rcpt: () => '451 4.2.1 mailbox busy' });
    const h = await setup(s.port, {}, { retrySchedule: { first: '200ms', max: '300ms', giveUp: '1m', delayWarning: '700ms' } });
    const id = await h.submit(message('w1'), { recipients: [{ address: 'bob@remote.test' }, { address: 'never@remote.test', notify: 'NEVER' }] });
    const [report] = await waitFor(async () => {
      const r = await h.localReports();
      return r.length > 0 ? r : undefined;
    });
    expect(report!.text).toContain('Action: delayed');
    expect(report!.text).toContain('Status: 4.2.1');
    expect(report!.text).toContain('Will-Retry-Until:');
    expect(report!.text).toContain('Final-Recipient: rfc822;bob@remote.test');
    expect(report!.text).not.toContain('never@remote.test');
    expect(report!.text).toMatch(/Diagnostic-Code: smtp; 451 4\.2\.1 mailbox busy/);
    // More attempts follow, but no second warning.
    await waitFor(async () => ((await h.job(id))?.recipients[0]?.attempts ?? 0) >= 5, 15_000, 'more attempts');
    expect(await h.localReports()).toHaveLength(1);
  });

  it('connects from sourceAddress and declares BODY=8BITMIME for 8-bit messages', async () => {
    const s = await server({ extensions: EXT });
    const h = await setup(s.port, {}, { sourceAddress: '127.0.0.5' });
    const id = await h.submit(message('e1', 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n') + 'Grüße\r\n', { eightBitMime: true, recipients: [{ address: 'bob@remote.test' }] });
    expect((await h.settled(id)).recipients[0]!.status).toBe('delivered');
    expect(s.received[0]!.remoteAddress).toMatch(/127\.0\.0\.5$/);
    expect(s.received[0]!.mailParams).toContain('BODY=8BITMIME');
    expect(s.received[0]!.data.toString('utf8')).toContain('Grüße');
  });

  it('looks up and addresses an IDN domain in A-labels', async () => {
    const s = await server({ extensions: EXT });
    const h = await setup(s.port, { 'xn--bcher-kva.test': { MX: [[10, 'mx.remote.test']] } });
    const id = await h.submit(message('i1'), { recipients: [{ address: 'bob@bücher.test' }] });
    expect((await h.settled(id)).recipients[0]).toMatchObject({ address: 'bob@bücher.test', status: 'delivered' });
    expect(s.received[0]!.to).toEqual(['bob@xn--bcher-kva.test']);
    expect(h.dns.queries).toContain('xn--bcher-kva.test MX');
  });

  it('retries only the recipients still pending', async () => {
    let tries = 0;
    const good = await server({ extensions: EXT });
    const slow = await server({ extensions: EXT, rcpt: () => (tries++ < 2 ? '451 4.7.1 try later' : undefined) });
    const h = await harness({
      zones: {},
      queueRunner: { transport: { 'a.test': `smtp:[127.0.0.1]:${good.port}`, 'b.test': `smtp:[127.0.0.1]:${slow.port}` } },
    });
    open.push(h);
    const id = await h.submit(message('p1'), { recipients: [{ address: 'x@a.test' }, { address: 'y@b.test' }, { address: 'z@a.test' }] });
    const job = await h.settled(id);
    expect(job.recipients).toMatchObject([
      { address: 'x@a.test', status: 'delivered', attempts: 1 },
      { address: 'y@b.test', status: 'delivered', attempts: 3 },
      { address: 'z@a.test', status: 'delivered', attempts: 1 },
    ]);
    expect(good.received).toHaveLength(1);
    expect(good.received[0]!.to).toEqual(['x@a.test', 'z@a.test']);
    expect(slow.received).toHaveLength(1);
  });

  it('reports "relayed" to a sender who asked for NOTIFY=SUCCESS when the next hop has no DSN extension', async () => {
    const s = await server({ extensions: ['PIPELINING'] });
    const h = await setup(s.port);
    const id = await h.submit(message('s1'), { recipients: [{ address: 'bob@remote.test', notify: ['SUCCESS', 'FAILURE'] }, { address: 'carol@remote.test' }] });
    await h.settled(id);
    expect(s.received[0]!.rcptParams).toEqual(['', '']);
    const [report] = await waitFor(async () => {
      const r = await h.localReports();
      return r.length > 0 ? r : undefined;
    });
    expect(report!.text).toContain('Action: relayed');
    expect(report!.text).toContain('Status: 2.0.0');
    expect(report!.text).toContain('Final-Recipient: rfc822;bob@remote.test');
    expect(report!.text).not.toContain('carol@remote.test');
  });
});
