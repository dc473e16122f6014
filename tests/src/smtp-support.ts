// The mail stack the SMTP whole-stack tests send to: a real Redis, account files written through @mail/auth,
// smtpd started with its default collaborators (queue, throttle, development certificate) on free loopback
// ports, optionally the mda; plus readers for the queued jobs and spooled messages.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesDirectory, hashPassword } from '@mail/auth';
import { parseConfig, type Config } from '@mail/config';
import { createLogger } from '@mail/log';
import { start as startMda } from '@mail/mda';
import { Producer, QueueAdmin } from '@mail/queue';
import { start as startSmtpd, type Smtpd } from '@mail/smtpd';
import { freePort, suitePaths, tempDir, testRedis, type TempDir, type TestRedis } from '@mail/testing';
import { NO_DNS } from './support.js';

export const DOMAIN = 'local.test';
export const USERS = { 'alice@local.test': 'alice-Secret-1', 'bob@local.test': 'bob-Secret-2' } as const;

export interface Stack {
  config: Config;
  dir: TempDir;
  redis: TestRedis;
  smtpd: Smtpd;
  ports: { mx: number; submission: number; submissions: number };
  admin: QueueAdmin;
  reader: Producer;
  /** The stored job of `queueId` in `queue`, as queued. */
  job(queueId: string, queue: 'deliver' | 'outbound'): Promise<Record<string, unknown> | undefined>;
  /** The spooled message of `queueId`. */
  spooled(queueId: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  mynetworks?: string[];
  /** Also run the mda, delivering into Maildirs under the stack's directory. */
  mda?: boolean;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = await tempDir('smtp-e2e-');
  const redis = await testRedis();
  const etc = join(dir.path, 'etc');
  await mkdir(etc, { recursive: true });
  const paths = suitePaths(dir.path);
  const directory = new FilesDirectory({ paths, configDomains: [] });
  await directory.addDomain(DOMAIN);
  for (const [address, password] of Object.entries(USERS)) await directory.addAccount({ address, passwordHash: await hashPassword(password, 'SHA512-CRYPT') });
  await directory.addAlias(`info@${DOMAIN}`, [`alice@${DOMAIN}`]);
  const [mx, submission, submissions] = [await freePort(), await freePort(), await freePort()] as [number, number, number];
  const config = parseConfig({
    hostname: 'mx.local.test',
    mynetworks: options.mynetworks ?? ['127.0.0.0/8', '::1/128'],
    redis: { url: redis.url, prefix: redis.prefix },
    paths,
    tls: { selfSigned: true, reloadInterval: 0 },
    log: { level: 'warn' },
    // SPF/DKIM/DMARC lookups of the mda fail at once: tests never depend on the DNS outside.
    mda: { dnsServers: [NO_DNS] },
    smtpd: {
      listeners: [
        { host: '127.0.0.1', port: mx, tls: 'starttls', mode: 'mx' },
        { host: '127.0.0.1', port: submission, tls: 'starttls', mode: 'submission' },
        { host: '127.0.0.1', port: submissions, tls: 'implicit', mode: 'submissions' },
      ],
    },
  });
  const log = createLogger('smtpd', { level: process.env.MAIL_TEST_LOG ? 'debug' : 'silent' });
  const smtpd = await startSmtpd(config, log);
  const mda = options.mda ? await startMda(config, createLogger('mda', { level: process.env.MAIL_TEST_LOG ? 'debug' : 'silent' })) : undefined;
  const admin = await QueueAdmin.open({ redis: config.redis });
  const reader = await Producer.open({ redis: config.redis });
  return {
    config,
    dir,
    redis,
    smtpd,
    ports: { mx, submission, submissions },
    admin,
    reader,
    async job(queueId, queue) {
      const d = await admin.get(`${queueId}-${queue === 'deliver' ? 'd' : 'o'}`);
      return d?.data as Record<string, unknown> | undefined;
    },
    async spooled(queueId) {
      return (await reader.spool.get(queueId)).toString('utf8');
    },
    async stop() {
      await smtpd.stop();
      await mda?.stop();
      await admin.close();
      await reader.close();
      await redis.stop();
      await dir.cleanup();
    },
  };
}

/** The queue id in a `250 2.0.0 Ok: queued as <id>` reply. */
export function queuedId(text: string): string {
  const m = /queued as ([0-9A-Z]{26})/.exec(text);
  if (!m?.[1]) throw new Error(`no queue id in: ${text}`);
  return m[1];
}

/** Runs a command with `input` on stdin; resolves with its exit code and output. */
export function run(cmd: string, args: string[], input = '', timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/**
 * Python's smtplib talking to smtpd: `mode` plain, starttls or ssl; optional login; a list of steps, each a MAIL
 * FROM with RCPTs (a path in angle brackets is sent verbatim) and optional DATA. Prints one JSON object per step: the replies as [code, text].
 */
export const PYTHON_CLIENT = String.raw`
import json, smtplib, ssl, sys
args = json.loads(sys.stdin.read())
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
if args["mode"] == "ssl":
    s = smtplib.SMTP_SSL("127.0.0.1", args["port"], context=ctx, local_hostname="py.client.test", timeout=20)
else:
    s = smtplib.SMTP("127.0.0.1", args["port"], local_hostname="py.client.test", timeout=20)
s.ehlo()
if args["mode"] == "starttls":
    s.starttls(context=ctx); s.ehlo()
out = {"features": sorted(s.esmtp_features.keys())}
if args.get("user"):
    code, msg = s.login(args["user"], args["password"])
    out["login"] = [code, msg.decode()]
steps = []
for step in args["steps"]:
    r = {"mail": list(s.mail(step["from"], step.get("mailOptions", [])))}
    # A path in angle brackets is sent exactly as written (smtplib would reparse it); others through rcpt().
    r["rcpt"] = [list(s.docmd("RCPT", "TO:" + to) if to.startswith("<") else s.rcpt(to, step.get("rcptOptions", []))) for to in step["to"]]
    if "data" in step and any(c[0] == 250 for c in r["rcpt"]):
        r["data"] = list(s.data(step["data"].encode()))
    else:
        s.rset()
    steps.append(r)
s.quit()
out["steps"] = [{k: [[c, m.decode() if isinstance(m, bytes) else m] for c, m in ([v] if k in ("mail", "data") else v)] for k, v in r.items()} for r in steps]
print(json.dumps(out))
`;

export interface PyStep {
  from: string;
  to: string[];
  data?: string;
  mailOptions?: string[];
  rcptOptions?: string[];
}

export interface PyResult {
  features: string[];
  login?: [number, string];
  steps: Array<{ mail: Array<[number, string]>; rcpt: Array<[number, string]>; data?: Array<[number, string]> }>;
}

export async function pythonSmtp(args: { port: number; mode: 'plain' | 'starttls' | 'ssl'; user?: string; password?: string; steps: PyStep[] }): Promise<PyResult> {
  const r = await run('python3', ['-c', PYTHON_CLIENT], JSON.stringify(args));
  if (r.code !== 0) throw new Error(`python3 failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult;
}
