// A complete mail suite for one domain (smtpd + mda + queue-runner on a private Redis, with a DKIM key) and the
// loopback DNS server (Debian's dnsmasq) that publishes the MX, A and DKIM TXT records the suites find each other by.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesDirectory, hashPassword } from '@mail/auth';
import { parseConfig, type Config, type Daemon } from '@mail/config';
import { createLogger } from '@mail/log';
import { start as startMda } from '@mail/mda';
import { start as startQueueRunner } from '@mail/queue-runner';
import { start as startSmtpd, type Smtpd } from '@mail/smtpd';
import { freePort, spawnRedis, suitePaths, tempDir, type SpawnedRedis, type TempDir } from '@mail/testing';
import { NO_DNS, waitFor } from './support.js';

export const SELECTOR = 'mail';

export interface SuiteOptions {
  domain: string;
  /** Accounts of the domain and their passwords. */
  users: Record<string, string>;
  /** Address of the MX listener (port `mxPort`, default a free port on 127.0.0.1). */
  mxHost?: string;
  mxPort?: number;
  /** queueRunner.dnsServers. */
  dnsServers?: string[];
  /** queueRunner.transport. */
  transport?: Record<string, string>;
  /** Client networks trusted to relay without AUTH (default none). */
  mynetworks?: string[];
}

export interface Suite {
  domain: string;
  config: Config;
  dir: TempDir;
  redis: SpawnedRedis;
  ports: { mx: number; submission: number };
  /** The DKIM TXT record of the domain's key: its name and its character-strings (each at most 255 octets). */
  dkim: { name: string; strings: string[] };
  /** The messages in `localPart`'s Maildir/new that contain `marker`. */
  delivered(localPart: string, marker: string): Promise<string[]>;
  stop(): Promise<void>;
}

const logLevel = process.env.MAIL_TEST_LOG ? 'debug' : 'silent';

/** Splits a TXT value into character-strings of at most 255 octets (RFC 1035 §3.3.14). */
function txtStrings(value: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(value.slice(i, i + 255));
  return parts;
}

/** Starts smtpd, mda and queue-runner for `options.domain`; stop() stops them and removes their data. */
export async function startSuite(options: SuiteOptions): Promise<Suite> {
  const { domain } = options;
  const dir = await tempDir(`suite-${domain}-`);
  const redis = await spawnRedis({ appendonly: false });
  const etc = join(dir.path, 'etc');
  await mkdir(etc, { recursive: true });
  const paths = suitePaths(dir.path);
  const directory = new FilesDirectory({ paths, configDomains: [] });
  await directory.addDomain(domain);
  for (const [address, password] of Object.entries(options.users)) await directory.addAccount({ address, passwordHash: await hashPassword(password, 'SHA512-CRYPT') });

  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await mkdir(paths.dkim, { recursive: true, mode: 0o750 });
  await writeFile(join(paths.dkim, `${domain}.${SELECTOR}.key`), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  const p = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

  const mx = options.mxPort ?? (await freePort());
  const submission = await freePort();
  const config = parseConfig({
    hostname: `mx.${domain}`,
    mynetworks: options.mynetworks ?? [],
    redis: { url: redis.url, prefix: redis.prefix },
    paths,
    tls: { selfSigned: true, reloadInterval: 0 },
    log: { level: 'warn' },
    smtpd: {
      listeners: [
        { host: options.mxHost ?? '127.0.0.1', port: mx, tls: 'starttls', mode: 'mx' },
        { host: '127.0.0.1', port: submission, tls: 'starttls', mode: 'submission' },
      ],
    },
    // The mda's SPF/DKIM/DMARC lookups go to the test's dnsmasq, or to a closed port (an immediate failure): tests
    // never depend on the DNS outside.
    mda: { dnsServers: options.dnsServers ?? [NO_DNS] },
    queueRunner: {
      dnsServers: options.dnsServers ?? [],
      transport: options.transport ?? {},
      dkimSelector: SELECTOR,
      retrySchedule: { first: '1s', max: '2s', giveUp: '5m' },
    },
  });
  const stops: Array<() => Promise<void>> = [];
  try {
    const smtpd: Smtpd = await startSmtpd(config, createLogger('smtpd', { level: logLevel }));
    stops.push(() => smtpd.stop());
    const mda: Daemon = await startMda(config, createLogger('mda', { level: logLevel }));
    stops.push(() => mda.stop());
    const runner: Daemon = await startQueueRunner(config, createLogger('queue-runner', { level: logLevel }), { commandTimeout: 20_000, worker: { spoolSweepInterval: 0 } });
    stops.push(() => runner.stop());
  } catch (err) {
    while (stops.length > 0) await stops.pop()!().catch(() => undefined);
    await redis.stop();
    await dir.cleanup();
    throw err;
  }
  return {
    domain,
    config,
    dir,
    redis,
    ports: { mx, submission },
    dkim: { name: `${SELECTOR}._domainkey.${domain}`, strings: txtStrings(`v=DKIM1; k=rsa; p=${p}`) },
    async delivered(localPart, marker) {
      const box = join(dir.path, 'mail', domain, localPart, 'Maildir/new');
      const names = await readdir(box).catch(() => [] as string[]);
      const texts = await Promise.all(names.map((n) => readFile(join(box, n), 'utf8')));
      return texts.filter((t) => t.includes(marker));
    },
    async stop() {
      while (stops.length > 0) await stops.pop()!();
      await redis.stop();
      await dir.cleanup();
    },
  };
}

export interface DnsRecords {
  /** domain → mail exchanger host name (preference 10). */
  mx: Record<string, string>;
  /** host name → IPv4 address. */
  a: Record<string, string>;
  /** name → character-strings. */
  txt: Record<string, string[]>;
}

export interface DnsServer {
  port: number;
  /** A resolver that asks only this server. */
  resolver: Resolver;
  stop(): Promise<void>;
}

/**
 * Runs dnsmasq on 127.0.0.1 on a free port, authoritative for `.test` (unknown names get NXDOMAIN), with no
 * upstream servers, no /etc/hosts and no system configuration file, on `port` (default a free one); resolves once it answers.
 */
export async function startDns(records: DnsRecords, port?: number): Promise<DnsServer> {
  const dir = await tempDir('dnsmasq-');
  port ??= await freePort();
  const args = [
    '--no-daemon', '--conf-file=/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces',
    '--no-resolv', '--no-hosts', '--local=/test/', '--leasefile-ro', `--pid-file=${join(dir.path, 'dnsmasq.pid')}`, '--user=root',
    ...Object.entries(records.mx).map(([domain, host]) => `--mx-host=${domain},${host},10`),
    ...Object.entries(records.a).map(([host, ip]) => `--host-record=${host},${ip}`),
    ...Object.entries(records.txt).map(([name, strings]) => `--txt-record=${name},${strings.join(',')}`),
  ];
  let stderr = '';
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await dir.cleanup();
  };
  const resolver = new Resolver({ timeout: 500, tries: 2 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const probe = Object.keys(records.mx)[0] ?? Object.keys(records.a)[0];
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}): ${stderr}`);
        if (probe === undefined) return true;
        return (await resolver.resolveMx(probe).catch(() => resolver.resolve4(probe)).catch(() => null)) !== null;
      },
      10_000,
      () => `dnsmasq does not answer: ${stderr}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, resolver, stop };
}
