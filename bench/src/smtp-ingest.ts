// Benchmark of SMTP ingest to Maildir: Postfix's smtp-source sends the same load (default 2,000 messages of 4 KiB
// over 10 sessions) to this suite (smtpd + Redis queue + mda) and to a throwaway Postfix, and the messages per
// second until the last one is in Maildir are printed for both, with their ratio.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesDirectory, hashPassword } from '@mail/auth';
import { parseConfig } from '@mail/config';
import { freePort, spawnRedis, suitePaths } from '@mail/testing';
import { CLOCK_TICKS, cpuTimes, median, spawnDaemon, stopAll, waitForGreeting } from './daemon.js';
import { startPostfix } from './smtp-ingest-postfix.js';

const MESSAGES = Number(process.env.MESSAGES ?? 2000);
const SESSIONS = Number(process.env.SESSIONS ?? 10);
const SIZE = Number(process.env.SIZE ?? 4096);
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 600_000);
const RUNS = Number(process.env.RUNS ?? 3);
const SENDER = 'sender@remote.test';

interface Result {
  name: string;
  sendMs: number;
  deliveredMs: number;
  rate: number;
  /** CPU seconds the whole machine was busy (user and system, every process) from the first message to the last delivery. */
  machineCpu: number;
  /** CPU seconds (user, system) per daemon over the same time, where known. */
  daemons: Record<string, { user: number; system: number }>;
}

/** CPU seconds the machine has been busy since boot, all cores (user, nice, system, irq, softirq, steal). */
async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / CLOCK_TICKS;
}

/** Runs smtp-source against 127.0.0.1:port: SESSIONS connections, each sending messages until MESSAGES are sent. */
function smtpSource(port: number, recipient: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // -d: keep the connection for the next message; -l: message size; -M: the HELO name.
    const args = ['-d', '-s', String(SESSIONS), '-m', String(MESSAGES), '-l', String(SIZE), '-M', 'bench.client.test', '-f', SENDER, '-t', recipient, `127.0.0.1:${port}`];
    const child = spawn('smtp-source', args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source exited with ${code}: ${stderr}`))));
  });
}

async function count(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [])).length;
}

/** Sends the load and waits until `dir` holds every message. */
async function measure(name: string, port: number, recipient: string, dir: string, pids: Record<string, number> = {}): Promise<Result> {
  const before = await count(dir);
  const daemonCpu = async () => Object.fromEntries(await Promise.all(Object.entries(pids).map(async ([k, pid]) => [k, await cpuTimes(pid)] as const)));
  const cpuBefore = await daemonCpu();
  const busyBefore = await machineBusySeconds();
  const started = performance.now();
  await smtpSource(port, recipient);
  const sendMs = performance.now() - started;
  for (;;) {
    const n = (await count(dir)) - before;
    if (n >= MESSAGES) break;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`${name}: only ${n} of ${MESSAGES} messages delivered after ${TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const deliveredMs = performance.now() - started;
  const machineCpu = (await machineBusySeconds()) - busyBefore;
  const cpuAfter = await daemonCpu();
  const daemons = Object.fromEntries(Object.keys(pids).map((k) => [k, { user: cpuAfter[k]!.user - cpuBefore[k]!.user, system: cpuAfter[k]!.system - cpuBefore[k]!.system }]));
  return { name, sendMs, deliveredMs, rate: (MESSAGES * 1000) / deliveredMs, machineCpu, daemons };
}

/** Connects to 127.0.0.1:port and leaves; rejects when nothing listens there. */
function connectOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

async function suite(root: string): Promise<Result> {
  const redis = await spawnRedis();
  const children: ChildProcess[] = [];
  try {
    const etc = join(root, 'etc');
    const paths = suitePaths(root);
    const directory = new FilesDirectory({ paths, configDomains: [] });
    await directory.addDomain('local.test');
    await directory.addAccount({ address: 'bench@local.test', passwordHash: await hashPassword('bench-password', 'SHA512-CRYPT') });
    const port = await freePort();
    const config = {
      hostname: 'suite.bench.test',
      redis: { url: redis.url, prefix: redis.prefix },
      paths,
      log: { level: 'warn' },
      limits: { connectionsPerIp: SESSIONS * 2 },
      smtpd: { listeners: [{ host: '127.0.0.1', port, tls: 'none', mode: 'mx' }] },
    };
    parseConfig(config); // fails here, not in the daemons, when the benchmark's configuration is wrong
    const configFile = join(etc, 'mail.yaml');
    await writeFile(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
    // smtpd and mda as separate processes, as deployed; like Postfix's smtpd, cleanup, qmgr and virtual.
    // BENCH_CPU_PROF=<dir>: each daemon writes a V8 CPU profile below it when it stops.
    const profile = (name: string) => (process.env.BENCH_CPU_PROF ? join(process.env.BENCH_CPU_PROF, name) : undefined);
    const smtpd = spawnDaemon('smtpd', configFile, profile('smtpd'));
    const mda = spawnDaemon('mda', configFile, profile('mda'));
    children.push(smtpd, mda);
    await waitForGreeting(smtpd, 'smtpd', () => connectOnce(port));
    const pids = { smtpd: smtpd.pid!, mda: mda.pid!, redis: redis.process.pid! };
    return await measure('suite (smtpd + Redis queue + mda)', port, 'bench@local.test', join(root, 'mail/local.test/bench/Maildir/new'), pids);
  } finally {
    await stopAll(children);
    await redis.stop();
  }
}

async function postfix(root: string): Promise<Result> {
  const pf = await startPostfix(root, await freePort());
  try {
    return await measure('Postfix 3 (smtpd + cleanup + qmgr + virtual)', pf.port, pf.recipient, pf.maildirNew);
  } finally {
    await pf.stop();
  }
}

function print(r: Result): void {
  const accepted = (MESSAGES * 1000) / r.sendMs;
  console.log(`${r.name.padEnd(48)} accepted in ${(r.sendMs / 1000).toFixed(2).padStart(7)} s (${accepted.toFixed(0).padStart(5)} msg/s), all in Maildir after ${(r.deliveredMs / 1000).toFixed(2).padStart(7)} s: ${r.rate.toFixed(0).padStart(5)} msg/s`);
  // CPU per message: the whole machine's (client included, the same for both sides) and each daemon's where known.
  const perMessage = (seconds: number) => `${((seconds * 1000) / MESSAGES).toFixed(2)} ms`;
  const daemons = Object.entries(r.daemons).map(([k, v]) => `${k} ${perMessage(v.user + v.system)} = ${perMessage(v.user)} user + ${perMessage(v.system)} system`).join(', ');
  console.log(`${''.padEnd(48)} CPU per message: machine ${perMessage(r.machineCpu)}${daemons ? ` (${daemons})` : ''}`);
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'smtp-ingest-'));
  await chmod(root, 0o755); // Postfix's virtual agent delivers as an unprivileged user below it
  try {
    console.log(`${MESSAGES} messages of ${SIZE} bytes over ${SESSIONS} sessions (smtp-source -d), Redis with appendfsync always, ${RUNS} run(s) of each, alternating`);
    // The two sides alternate and each ratio compares adjacent runs, so a change of load on the machine during the
    // benchmark weighs on both sides of a ratio alike; the median of the ratios is the figure to quote.
    const toMaildir: number[] = [];
    const accepted: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const ours = await suite(join(root, `suite-${run}`));
      print(ours);
      const theirs = await postfix(join(root, `postfix-${run}`));
      print(theirs);
      toMaildir.push(ours.rate / theirs.rate);
      accepted.push(theirs.sendMs / ours.sendMs);
      console.log(`run ${run + 1}: ratio suite / Postfix, to Maildir: ${(ours.rate / theirs.rate).toFixed(2)}; accepted over SMTP: ${(theirs.sendMs / ours.sendMs).toFixed(2)}`);
    }
    console.log(`median ratio suite / Postfix, to Maildir: ${median(toMaildir).toFixed(2)}; accepted over SMTP: ${median(accepted).toFixed(2)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
