// RFC 4954 §5 AUTH= end to end: a user submits to smtpd, the queue-runner relays the job to two next hops and
// each one's own log shows the MAIL FROM line it got. A private Postfix with STARTTLS and SASL (Dovecot's auth
// service) as the smarthost the queue-runner authenticates to receives AUTH=<the submitter>; Postfix's smtp-sink,
// an MX that offers AUTH but to which the queue-runner has no credentials, receives no AUTH=.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig, type Daemon } from '@mail/config';
import { createLogger } from '@mail/log';
import { start as startQueueRunner } from '@mail/queue-runner';
import { freePort, tempDir, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpGreeting, startPrivatePostfix, type PrivatePostfix } from './postfix.js';
import { pythonSmtp, queuedId, run, startStack, USERS, type Stack } from './smtp-support.js';
import { waitFor } from './support.js';

const RELAY_USER = 'relay@smarthost.test';
const RELAY_PASSWORD = 'relay-Secret-3';
const canRun = existsSync('/usr/sbin/postfix') && existsSync('/usr/sbin/dovecot') && existsSync('/usr/sbin/smtp-sink') && process.getuid?.() === 0;

interface Process {
  stop(): Promise<void>;
}

function child(cmd: string, args: string[], onStderr?: (text: string) => void): Process & { process: ChildProcess } {
  const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', onStderr ? 'pipe' : 'ignore'] });
  if (onStderr) p.stderr!.on('data', (d: Buffer) => onStderr(d.toString('utf8')));
  return {
    process: p,
    async stop() {
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    },
  };
}

interface Smarthost {
  port: number;
  /** Postfix's log (debug_peer_list: every command of the session from 127.0.0.1). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Postfix with STARTTLS and SASL AUTH through a private Dovecot auth service; mail for far.test is discarded. */
async function startSmarthost(dir: string): Promise<Smarthost> {
  const port = await freePort();
  const [etc, sasl] = [join(dir, 'etc'), join(dir, 'sasl')];
  for (const d of [etc, sasl, join(sasl, 'run'), join(sasl, 'state')]) await mkdir(d, { recursive: true });
  await chmod(dir, 0o755);
  const cert = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=smarthost.test', '-keyout', join(etc, 'key.pem'), '-out', join(etc, 'cert.pem')]);
  if (cert.code !== 0) throw new Error(`openssl failed: ${cert.stderr}`);
  await writeFile(join(sasl, 'passwd'), `${RELAY_USER}:{PLAIN}${RELAY_PASSWORD}\n`);
  const socket = join(sasl, 'auth');
  await writeFile(
    join(sasl, 'dovecot.conf'),
    [
      `base_dir = ${join(sasl, 'run')}`,
      `state_dir = ${join(sasl, 'state')}`,
      `instance_name = sasl-${port}`,
      'protocols =',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `log_path = ${join(sasl, 'dovecot.log')}`,
      `passdb {\n  driver = passwd-file\n  args = ${join(sasl, 'passwd')}\n}`,
      `service auth {\n  unix_listener ${socket} {\n    mode = 0666\n  }\n}`,
      '',
    ].join('\n'),
  );
  const dovecot = child('/usr/sbin/dovecot', ['-F', '-c', join(sasl, 'dovecot.conf')]);
  await waitFor(() => existsSync(socket), 10_000, () => 'Dovecot’s auth socket did not appear');
  await writeFile(join(etc, 'transport'), 'far.test discard:\n');
  let postfix: PrivatePostfix;
  try {
    postfix = await startPrivatePostfix(dir, port, [
      'myhostname = smarthost.test',
      'mydestination =',
      'mynetworks =',
      `transport_maps = texthash:${join(etc, 'transport')}`,
      `smtpd_tls_cert_file = ${join(etc, 'cert.pem')}`,
      `smtpd_tls_key_file = ${join(etc, 'key.pem')}`,
      'smtpd_tls_security_level = encrypt',
      'smtpd_sasl_auth_enable = yes',
      'smtpd_sasl_type = dovecot',
      `smtpd_sasl_path = ${socket}`,
      'smtpd_tls_auth_only = yes',
      'smtpd_relay_restrictions = permit_sasl_authenticated, reject',
      'debug_peer_list = 127.0.0.1',
    ]);
  } catch (err) {
    await dovecot.stop();
    throw err;
  }
  return {
    port,
    log: postfix.log,
    async stop() {
      await postfix.stop();
      await dovecot.stop();
    },
  };
}

interface Sink {
  port: number;
  /** The command lines smtp-sink logged (-v). */
  commands(): string[];
  stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const port = await freePort();
  let log = '';
  const p = child('/usr/sbin/smtp-sink', ['-u', 'nobody', '-v', `127.0.0.1:${port}`, '10'], (t) => (log += t));
  await waitFor(async () => (await smtpGreeting(port)) !== null, 10_000, () => `smtp-sink does not answer: ${log}`);
  return { port, commands: () => [...log.matchAll(/^\S*smtp-sink: ((?:MAIL|RCPT|AUTH)\b.*)$/gim)].map((m) => m[1]!), stop: () => p.stop() };
}

let stack: Stack | undefined;
let smarthost: Smarthost | undefined;
let sink: Sink | undefined;
let runner: Daemon | undefined;
let dir: TempDir | undefined;

beforeAll(async () => {
  if (!canRun) return;
  dir = await tempDir('outbound-auth-');
  smarthost = await startSmarthost(dir.path);
  sink = await startSink();
  // smtpd trusts loopback (mynetworks): a client there without AUTH may relay, and its AUTH= claim is believed.
  stack = await startStack();
  const saslPasswords = join(dir.path, 'sasl_passwd');
  await writeFile(saslPasswords, `[127.0.0.1]:${smarthost.port} ${RELAY_USER}:${RELAY_PASSWORD}\n`, { mode: 0o600 });
  const config = parseConfig({
    hostname: 'mx.local.test',
    redis: { url: stack.redis.url, prefix: stack.redis.prefix },
    paths: stack.config.paths,
    log: { level: 'warn' },
    queueRunner: {
      transport: { 'far.test': `smtp:[127.0.0.1]:${smarthost.port}`, 'sink.test': `smtp:[127.0.0.1]:${sink.port}` },
      saslPasswords,
      retrySchedule: { first: '500ms', max: '1s', giveUp: '1m' },
    },
  });
  runner = await startQueueRunner(config, createLogger('queue-runner', { level: process.env.MAIL_TEST_LOG ? 'debug' : 'silent' }), { commandTimeout: 10_000, worker: { spoolSweepInterval: 0 } });
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await stack?.stop();
  await sink?.stop();
  await smarthost?.stop();
  await dir?.cleanup();
});

/** Postfix's MAIL FROM lines (as received, from debug_peer_list) that name `sender`. */
async function smarthostMailFrom(sender: string): Promise<string[]> {
  const log = await smarthost!.log();
  return [...log.matchAll(/: < [^:]+: (MAIL FROM:<([^>]*)>.*)$/gm)].filter((m) => m[2] === sender).map((m) => m[1]!);
}

describe.skipIf(!canRun && !process.env.CI)('AUTH= from submission to the next hop (RFC 4954 §5)', () => {
  it('the authenticated smarthost gets AUTH=<submitter>; the MX that offers AUTH gets none', async () => {
    const r = await pythonSmtp({
      port: stack!.ports.submission,
      mode: 'starttls',
      user: 'alice@local.test',
      password: USERS['alice@local.test'],
      // What the client claims does not count: smtpd vouches for the account it authenticated as.
      steps: [{ from: 'alice@local.test', to: ['carol@far.test', 'dave@sink.test'], mailOptions: ['AUTH=mallory@remote.test'], data: 'Subject: auth\r\n\r\nmarker-auth-1\r\n' }],
    });
    const id = queuedId(r.steps[0]!.data![0]![1]);
    expect((await stack!.job(id, 'outbound'))?.auth).toBe('alice@local.test');
    // Postfix logs the queue file's client line (with sasl_sender, the AUTH= it took) after the MAIL FROM line.
    const client = new RegExp(`sasl_method=PLAIN, sasl_username=${RELAY_USER.replace(/\./g, '\\.')}, sasl_sender=alice@local\\.test$`, 'm');
    await waitFor(
      async () => client.test(await smarthost!.log()) && sink!.commands().some((c) => c.startsWith('MAIL FROM:<alice@local.test>')),
      30_000,
      () => 'the message did not reach both next hops',
    );
    const [toSmarthost] = await smarthostMailFrom('alice@local.test');
    expect(toSmarthost).toMatch(/ AUTH=alice@local\.test(?: |$)/);
    const toSink = sink!.commands().find((c) => c.startsWith('MAIL FROM:<alice@local.test>'))!;
    expect(toSink).not.toMatch(/AUTH=/i);
    expect(sink!.commands().some((c) => /^AUTH\b/i.test(c))).toBe(false);
  }, 60_000);

  it('a relay client smtpd does not know as a submitter: AUTH=<> to the smarthost', async () => {
    // From loopback (mynetworks) on the MX listener, without AUTH and without AUTH=: the submitter is not known.
    const r = await pythonSmtp({ port: stack!.ports.mx, mode: 'plain', steps: [{ from: 'bob@local.test', to: ['erin@far.test'], data: 'Subject: anon\r\n\r\nmarker-auth-2\r\n' }] });
    const id = queuedId(r.steps[0]!.data![0]![1]);
    expect((await stack!.job(id, 'outbound'))?.auth).toBeNull();
    await waitFor(async () => (await smarthostMailFrom('bob@local.test')).length > 0, 30_000, () => 'no MAIL FROM at the smarthost');
    expect((await smarthostMailFrom('bob@local.test'))[0]).toMatch(/ AUTH=<>(?: |$)/);
  }, 60_000);
});
