// Bounces through the whole stack: a user of a.test submits to a recipient a remote server refuses with 550 and to one
// whose server defers once with 451; the user's own Maildir gets exactly one RFC 3464 report (for the 550 only), the
// deferred recipient gets the message once on the retry, and a message from the null sender bounces without any report.
import { createServer, type Server, type Socket } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JOB_STATES, QueueAdmin } from '@mail/queue';
import { freePort } from '@mail/testing';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSuite, type Suite } from './suite.js';
import { waitFor } from './support.js';

const USERS = { 'alice@a.test': 'alice-A-Secret-1' };
const REJECT_REPLY = '550 5.1.1 <someone@reject.test>: Recipient address rejected: no such user';

interface Transaction {
  from: string;
  /** Every RCPT with the reply it got. */
  rcpts: Array<{ to: string; reply: string }>;
  data?: string;
}

interface SinkServer {
  port: number;
  transactions: Transaction[];
  close(): Promise<void>;
}

/**
 * A plain SMTP server on 127.0.0.1 (no extensions, so the client speaks one command at a time) whose RCPT replies
 * come from `rcpt`, called with the recipient and the number of RCPT commands seen before it.
 */
async function startSink(port: number, rcpt: (to: string, seen: number) => string): Promise<SinkServer> {
  const transactions: Transaction[] = [];
  const sockets = new Set<Socket>();
  let seen = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let tx: Transaction | undefined;
    let data: string[] | undefined;
    const send = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    const command = (line: string): void => {
      const verb = line.slice(0, 4).toUpperCase();
      const arg = /<([^>]*)>/.exec(line)?.[1] ?? '';
      if (verb === 'EHLO' || verb === 'HELO') send('250 sink.test');
      else if (verb === 'MAIL') {
        tx = { from: arg, rcpts: [] };
        transactions.push(tx);
        send('250 2.1.0 Ok');
      } else if (verb === 'RCPT') {
        if (!tx) return send('503 5.5.1 MAIL first');
        const reply = rcpt(arg, seen++);
        tx.rcpts.push({ to: arg, reply });
        send(reply);
      } else if (verb === 'DATA') {
        if (!tx?.rcpts.some((r) => r.reply.startsWith('2'))) return send('554 5.5.1 No valid recipients');
        data = [];
        send('354 End data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        tx = undefined;
        send('250 2.0.0 Ok');
      } else if (verb === 'NOOP') send('250 2.0.0 Ok');
      else if (verb === 'QUIT') {
        send('221 2.0.0 Bye');
        socket.end();
      } else send('502 5.5.2 Command not recognized');
    };
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let eol: number;
      while ((eol = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (data) {
          if (line === '.') {
            tx!.data = data.join('\r\n');
            data = undefined;
            tx = undefined;
            send('250 2.0.0 Ok: queued');
          } else data.push(line.startsWith('.') ? line.slice(1) : line);
        } else command(line);
      }
    });
    send('220 sink.test ESMTP');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    transactions,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let suite: Suite | undefined;
let reject: SinkServer | undefined;
let later: SinkServer | undefined;

beforeAll(async () => {
  const [rejectPort, laterPort] = [await freePort(), await freePort()];
  reject = await startSink(rejectPort, () => REJECT_REPLY);
  later = await startSink(laterPort, (_to, seen) => (seen === 0 ? '451 4.3.0 <someone@later.test>: Temporary failure, try again' : '250 2.1.5 Ok'));
  suite = await startSuite({
    domain: 'a.test',
    users: USERS,
    // The MX listener relays for loopback clients, which is how the null-sender message gets in.
    mynetworks: ['127.0.0.1/32'],
    transport: { 'reject.test': `smtp:[127.0.0.1]:${rejectPort}`, 'later.test': `smtp:[127.0.0.1]:${laterPort}` },
  });
}, 60_000);

afterAll(async () => {
  await suite?.stop();
  await reject?.close();
  await later?.close();
});

/** The whole messages in alice's Maildir/new that are delivery reports. */
async function reports(): Promise<string[]> {
  return (await suite!.delivered('alice', 'report-type=delivery-status')).filter((t) => /^Content-Type:\s*multipart\/report/im.test(t));
}

/** Every file under the suite's mail tree that contains `marker`. */
async function anywhere(marker: string): Promise<string[]> {
  const root = join(suite!.dir.path, 'mail');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const texts = await Promise.all(files.map(async (f) => ({ f, t: await readFile(f, 'utf8').catch(() => '') })));
  return texts.filter(({ t }) => t.includes(marker)).map(({ f }) => f);
}

/** The body part of a MIME multipart that contains `needle`, unfolded headers included. */
function part(message: string, needle: RegExp): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(message)?.[1];
  expect(boundary, 'multipart boundary').toBeDefined();
  const found = message.split(`--${boundary!}`).find((p) => needle.test(p));
  expect(found, `a part matching ${needle}`).toBeDefined();
  return found!.replace(/\r?\n[ \t]+/g, ' ');
}

describe('bounces through the whole stack', () => {
  it('a 550 produces one report to the local sender; a 451 is retried once and reported to no one', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: suite!.ports.submission, requireTLS: true, auth: { user: 'alice@a.test', pass: USERS['alice@a.test'] }, tls: { rejectUnauthorized: false }, name: 'client.a.test' });
    try {
      await t.sendMail({ from: 'alice@a.test', to: ['someone@reject.test', 'someone@later.test'], subject: 'bounce-subject-7f3a', text: 'marker-bounce-7f3a\n' });
    } finally {
      t.close();
    }

    // later.test: refused once with 451, accepted on the retry (retrySchedule.first is 1 s in the suite).
    await waitFor(() => later!.transactions.some((x) => x.data !== undefined), 30_000, () => JSON.stringify(later!.transactions));
    expect(later!.transactions.map((x) => x.rcpts.map((r) => r.reply.slice(0, 3)))).toEqual([['451'], ['250']]);
    expect(later!.transactions.filter((x) => x.data !== undefined)).toHaveLength(1);
    expect(later!.transactions[1]!.from).toBe('alice@a.test');
    expect(later!.transactions[1]!.data).toContain('marker-bounce-7f3a');

    // reject.test: one refusal; the report lands in alice's own Maildir through the mda.
    await waitFor(async () => (await reports()).length > 0, 30_000, () => 'no delivery report for alice');
    expect(reject!.transactions).toHaveLength(1);
    expect(reject!.transactions[0]!.rcpts).toEqual([{ to: 'someone@reject.test', reply: REJECT_REPLY }]);

    // Give a wrongly generated second report (for the deferral or the later delivery) time to arrive.
    await new Promise((r) => setTimeout(r, 2_500));
    const all = await reports();
    expect(all).toHaveLength(1);
    const dsn = all[0]!;
    expect(dsn).toMatch(/^Return-Path: <>\r?$/m);
    expect(dsn).toMatch(/^From:.*MAILER-DAEMON@mx\.a\.test/m);
    expect(dsn).toMatch(/^Content-Type:\s*multipart\/report;[^]*?report-type="?delivery-status"?/im);

    const status = part(dsn, /Content-Type:\s*message\/delivery-status/i);
    expect(status.match(/^Final-Recipient:/gim)).toHaveLength(1);
    expect(status).not.toContain('later.test');
    expect(status).toMatch(/^Final-Recipient:\s*rfc822;\s*someone@reject\.test\r?$/im);
    expect(status).toMatch(/^Action:\s*failed\r?$/im);
    expect(status).toMatch(/^Status:\s*5\.1\.1\r?$/im);
    expect(status).toMatch(/^Diagnostic-Code:\s*smtp;\s*550 5\.1\.1 <someone@reject\.test>: Recipient address rejected: no such user/im);

    const returned = part(dsn, /Content-Type:\s*(message\/rfc822|text\/rfc822-headers|message\/global)/i);
    expect(returned).toMatch(/^Subject: bounce-subject-7f3a\r?$/m);
  }, 60_000);

  it('a refused message from the null sender produces no report anywhere', async () => {
    const before = reject!.transactions.length;
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: suite!.ports.mx, tls: { rejectUnauthorized: false }, name: 'client.a.test' });
    try {
      await t.sendMail({ envelope: { from: '', to: ['someone@reject.test'] }, from: 'MAILER-DAEMON@elsewhere.test', to: 'someone@reject.test', subject: 'null-sender-9c1e', text: 'marker-null-9c1e\n' });
    } finally {
      t.close();
    }
    await waitFor(() => reject!.transactions.length > before, 30_000, () => 'the null-sender message never reached reject.test');
    expect(reject!.transactions.slice(before)).toEqual([{ from: '', rcpts: [{ to: 'someone@reject.test', reply: REJECT_REPLY }] }]);

    await new Promise((r) => setTimeout(r, 2_500));
    expect(await anywhere('null-sender-9c1e')).toEqual([]);
    expect(await reports()).toHaveLength(1);
    expect(reject!.transactions).toHaveLength(before + 1);
    expect(later!.transactions.some((x) => x.data?.includes('null-sender-9c1e'))).toBe(false);
    // Nor is one queued for anyone: no job in any state is addressed to the null sender or to MAILER-DAEMON.
    const admin = await QueueAdmin.open({ redis: suite!.config.redis });
    try {
      const jobs = await admin.list({ states: JOB_STATES });
      const to = jobs.flatMap((j) => j.recipients.map((r) => r.address));
      expect(to.filter((a) => a === '' || /^mailer-daemon@/i.test(a))).toEqual([]);
      // Jobs from the null sender: the one report (to alice, through the mda) and the refused message itself.
      const fromNull = jobs.filter((j) => j.sender === '').map((j) => `${j.queue} ${j.recipients.map((r) => r.address).join(',')}`);
      expect(fromNull.sort()).toEqual(['deliver alice@a.test', 'outbound someone@reject.test']);
    } finally {
      await admin.close();
    }
  }, 40_000);
});
