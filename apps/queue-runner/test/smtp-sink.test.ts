// Against Postfix's smtp-sink (Debian package postfix): a next hop that offers AUTH, to which the queue-runner
// has no credentials, gets no AUTH= on MAIL FROM (RFC 4954 §5), as smtp-sink's own log of the session shows.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, message, waitFor, type Harness } from './support/harness.js';

const SMTP_SINK = '/usr/sbin/smtp-sink';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

interface Sink {
  port: number;
  /** The commands smtp-sink logged (-v), in order. */
  commands(): string[];
}

async function startSink(): Promise<Sink> {
  const port = await freePort();
  // smtp-sink refuses to run as root without a user to switch to.
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child: ChildProcess = spawn(SMTP_SINK, [...user, '-v', `127.0.0.1:${port}`, '10'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString('utf8')));
  open.push({
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  });
  // -v logs each command as "<argv[0]>: <command line>".
  const sink: Sink = { port, commands: () => [...log.matchAll(/^\S*smtp-sink: ((?:MAIL|RCPT|AUTH|EHLO|HELO|DATA)\b.*)$/gim)].map((m) => m[1]!) };
  await waitFor(() => ehloReply(port).catch(() => undefined), 10_000, 'smtp-sink to listen');
  return sink;
}

/** The EHLO reply of the server on `port`, its lines joined by LF. */
function ehloReply(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let sent = false;
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (!sent && /^220 .*\r\n/m.test(text)) {
        sent = true;
        text = '';
        socket.write('EHLO probe.test\r\n');
      } else if (sent && /^250 .*\r\n/m.test(text)) {
        socket.end('QUIT\r\n');
        resolve(text.replace(/\r\n/g, '\n'));
      }
    });
  });
}

describe.skipIf(!existsSync(SMTP_SINK) && !process.env.CI)('against Postfix smtp-sink', () => {
  it('sends no AUTH= to an MX hop that offers AUTH but was not authenticated to', async () => {
    const sink = await startSink();
    expect(await ehloReply(sink.port)).toMatch(/^250-AUTH PLAIN LOGIN$/m);
    const h: Harness = await harness({ zones: {}, queueRunner: { transport: { 'remote.test': `smtp:[127.0.0.1]:${sink.port}` } } });
    open.push(h);
    const id = await h.submit(message('sink1'), { recipients: [{ address: 'bob@remote.test' }], auth: 'alice@local.test', eightBitMime: true, dsn: { envid: 'E1' } });
    expect((await h.settled(id)).recipients[0]!.status).toBe('delivered');
    const mail = await waitFor(async () => sink.commands().find((c) => c.startsWith('MAIL FROM:<alice@local.test>')), 5_000, 'the MAIL FROM line in smtp-sink’s log');
    expect(mail).not.toMatch(/AUTH=/i);
    // The parameters the hop's extensions call for are there; AUTH= is not.
    expect(mail).toBe('MAIL FROM:<alice@local.test> BODY=8BITMIME ENVID=E1');
    expect(sink.commands().some((c) => /^AUTH\b/i.test(c))).toBe(false);
  });
});
