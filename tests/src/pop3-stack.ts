// Whole-stack set-up for the POP3 tests: a real Redis, a users file, a Maildir filled through @mail/maildir's
// deliver(), and pop3d started with start(config, log) on loopback ports (110-style STLS and 995-style TLS).
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword } from '@mail/auth';
import { parseConfig, type Config } from '@mail/config';
import { createLogger } from '@mail/log';
import { MaildirStore } from '@mail/maildir';
import { start, type Pop3Daemon } from '@mail/pop3d';
import { freePort, suitePaths, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';

export const ALICE = 'alice@example.test';
export const ALICE_PASSWORD = 'alice-secret';
/** A user whose password is hashed (SHA512-CRYPT): no APOP. */
export const BOB = 'bob@example.test';
export const BOB_PASSWORD = 'bob-secret';

/** Messages as an MTA would deliver them: LF line endings, dot lines, 8-bit text, an attachment, one in CRLF. */
export function corpus(): string[] {
  const attachment = Buffer.from(Uint8Array.from({ length: 150_000 }, (_, i) => (i * 7919) % 251)).toString('base64').replace(/.{76}/g, '$&\n');
  return [
    'Return-Path: <carol@example.org>\nFrom: Carol <carol@example.org>\nTo: alice@example.test\nSubject: plain text\nMessage-ID: <1@example.org>\n\nHello Alice,\nthis is a short message.\n',
    'From: Dan <dan@example.org>\nTo: alice@example.test\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße aus Köln.\n.\n.. two dots\n.leading dot\nFrom the start of a line\n\n\ntrailing empty lines above\n',
    `From: Erin <erin@example.org>\nTo: alice@example.test\nSubject: attachment\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nSee attached.\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${attachment}\n--b1--\n`,
    'From: Frank <frank@example.org>\r\nTo: alice@example.test\r\nSubject: crlf\r\n\r\nA message stored with CRLF.\r\n.\r\nEnd.\r\n',
  ];
}

/** CRLF to LF, the form every client comparison uses. */
export const lf = (s: string | Buffer): string => (typeof s === 'string' ? s : s.toString('utf8')).replace(/\r\n/g, '\n');

export interface Pop3Stack {
  dir: TempDir;
  redis: TestRedis;
  config: Config;
  daemon: Pop3Daemon;
  /** The STLS (110-style) port and the implicit-TLS (995-style) port. */
  port: number;
  tlsPort: number;
  messages: string[];
  maildir(address?: string): string;
  store(): MaildirStore;
  /** Messages now in the INBOX (fresh read of the Maildir). */
  count(address?: string): Promise<number>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPop3Stack(options: { messages?: string[]; settings?: Record<string, unknown> } = {}): Promise<Pop3Stack> {
  const dir = await tempDir('pop3-stack-');
  await chmod(dir.path, 0o755);
  const redis = await testRedis();
  const etc = join(dir.path, 'etc');
  await mkdir(etc);
  const bobHash = await hashPassword(BOB_PASSWORD, 'SHA512-CRYPT');
  await writeFile(join(etc, 'users'), `${ALICE}:{PLAIN}${ALICE_PASSWORD}::::::\n${BOB}:${bobHash}::::::\n`);
  await writeFile(join(etc, 'domains'), 'example.test\n');
  const [port, tlsPort] = [await freePort(), await freePort()];
  const config = parseConfig({
    hostname: 'pop.example.test',
    redis: { url: redis.url, prefix: redis.prefix },
    paths: suitePaths(dir.path),
    tls: { selfSigned: true },
    log: { level: 'silent' },
    pop3d: {
      listeners: [
        { host: '127.0.0.1', port, tls: 'starttls' },
        { host: '127.0.0.1', port: tlsPort, tls: 'implicit' },
      ],
      ...options.settings,
    },
  });
  const messages = options.messages ?? corpus();
  const store = (): MaildirStore => new MaildirStore({ location: config.paths.mailboxes });
  const filling = store();
  for (const m of messages) {
    const r = await filling.deliver(ALICE, 'INBOX', m);
    if (r.status !== 'delivered') throw new Error(`delivery failed: ${r.status}`);
  }
  await filling.close();
  const log = createLogger('pop3d', { level: process.env.MAIL_TEST_LOG === '1' ? 'debug' : 'silent' });
  const stack: Pop3Stack = {
    dir,
    redis,
    config,
    daemon: await start(config, log),
    port,
    tlsPort,
    messages,
    maildir: (address = ALICE) => join(dir.path, 'mail', address.split('@')[1]!, address.split('@')[0]!, 'Maildir'),
    store,
    async count(address = ALICE) {
      const s = store();
      try {
        return (await (await (await s.openMailbox(address)).folder('INBOX')).status()).exists;
      } finally {
        await s.close();
      }
    },
    async restart() {
      await stack.daemon.stop();
      stack.daemon = await start(stack.config, log);
    },
    async stop() {
      await stack.daemon.stop();
      await redis.stop();
      await dir.cleanup();
    },
  };
  return stack;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (with a time limit), collecting its output. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
