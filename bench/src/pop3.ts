// POP3 benchmark: RETR throughput and logins per second of pop3d and of Dovecot's pop3 over copies of the same
// Maildir, in one run, each server in its own process. Measurements alternate between the two servers and the
// medians are compared, so that load from elsewhere on the machine hits both alike. Run with
// `pnpm --filter @mail/bench pop3` (as root, for Dovecot). Beside the wall-clock figures it prints the CPU time each
// server spent per MB sent by RETR (from /proc: pop3d's process; Dovecot's master with the mail processes it reaped),
// which other load on the machine disturbs much less than throughput.
// Settings: MESSAGES, MESSAGE_KB, REPEAT, LOGIN_SECONDS (0 measures RETR only), CLIENTS, POP3D_PROFILE.
import type { ChildProcess } from 'node:child_process';
import { chmod, cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MaildirStore } from '@mail/maildir';
import { freePort, spawnRedis, tempDir } from '@mail/testing';
import { cpuSeconds, median, PASSWORD, spawnDaemon, stopAll, waitForGreeting, writeAccounts, writeConfig } from './daemon.js';
import { BenchClient } from './pop3-client.js';
import { canRunDovecot, startBenchDovecot } from './dovecot.js';

const MESSAGES = Number(process.env.MESSAGES ?? 100);
const MESSAGE_KB = Number(process.env.MESSAGE_KB ?? 512);
const REPEAT = Number(process.env.REPEAT ?? 5);
const LOGIN_SECONDS = Number(process.env.LOGIN_SECONDS ?? 2);
const CLIENTS = Number(process.env.CLIENTS ?? 8);

const reader = (i: number): string => `reader${i}@example.test`;
const BIG = reader(0);

/** A message of about `kb` KiB with LF line endings and a few dot lines (both servers convert and stuff). */
function message(i: number, kb: number): string {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n';
  const lines = Math.max(1, Math.floor((kb * 1024) / line.length));
  let body = '';
  for (let l = 0; l < lines; l++) body += l % 500 === 0 ? `.${line}` : line;
  return `From: sender${i}@example.org\nTo: ${BIG}\nSubject: message ${i}\nMessage-ID: <${i}@bench.example.org>\n\n${body}`;
}

interface RetrRun {
  mbps: number;
  megabytes: number;
  /** CPU seconds the server used for the run. */
  cpu: number;
}

/** Every message of the big maildrop in one session: MB/s of message octets received, and the server's CPU time. */
async function retrRun(port: number, pid: number): Promise<RetrRun> {
  const cpuBefore = await cpuSeconds(pid);
  const { octets, seconds } = await retrAll(port);
  // Dovecot's mail process is counted once its master has reaped it, just after QUIT.
  await new Promise((r) => setTimeout(r, 200));
  return { mbps: octets / 1e6 / seconds, megabytes: octets / 1e6, cpu: (await cpuSeconds(pid)) - cpuBefore };
}

async function retrAll(port: number): Promise<{ octets: number; seconds: number }> {
  let octets = 0;
  const started = process.hrtime.bigint();
  const c = await BenchClient.connect(port);
  await c.login(BIG, PASSWORD);
  const [, n] = (await c.command('STAT')).split(' ');
  for (let i = 1; i <= Number(n); i++) {
    await c.command(`RETR ${i}`);
    octets += await c.body();
  }
  await c.quit();
  return { octets, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** CLIENTS loops of connect, USER, PASS, STAT, QUIT for LOGIN_SECONDS: logins per second. */
async function loginRate(port: number): Promise<number> {
  const until = Date.now() + LOGIN_SECONDS * 1000;
  let logins = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, k) => {
      while (Date.now() < until) {
        const c = await BenchClient.connect(port);
        await c.login(reader(k + 1), PASSWORD);
        await c.command('STAT');
        await c.quit();
        logins++;
      }
    }),
  );
  return logins / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const dir = await tempDir('pop3-bench-');
  const redis = await spawnRedis({ appendonly: false });
  const children: ChildProcess[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    await chmod(dir.path, 0o755); // Dovecot's processes (dovecot, nobody) read below it
    const users = [BIG, ...Array.from({ length: CLIENTS }, (_, k) => reader(k + 1))];
    await writeAccounts(dir.path, users);
    const location = join(dir.path, 'ours/%d/%n/Maildir');
    const store = new MaildirStore({ location });
    for (let i = 0; i < MESSAGES; i++) await store.deliver(BIG, 'INBOX', message(i, MESSAGE_KB));
    for (let k = 1; k <= CLIENTS; k++) for (let i = 0; i < 10; i++) await store.deliver(reader(k), 'INBOX', message(i, 4));
    await store.close();
    // Dovecot gets a copy: it writes its index files into the Maildir and runs as nobody.
    await cp(join(dir.path, 'ours'), join(dir.path, 'theirs'), { recursive: true });

    const port = await freePort();
    const config = await writeConfig(dir.path, redis.url, location, [`pop3d: { listeners: [{ host: 127.0.0.1, port: ${port}, tls: none }] }`]);
    // POP3D_PROFILE=<dir> writes a CPU profile of pop3d there.
    const pop3d = spawnDaemon('pop3d', config, process.env.POP3D_PROFILE);
    children.push(pop3d);
    await waitForGreeting(pop3d, 'pop3d', async () => (await BenchClient.connect(port)).quit());

    const megabytes = (MESSAGES * MESSAGE_KB) / 1024;
    console.log(`POP3 benchmark: ${MESSAGES} messages of ${MESSAGE_KB} KiB (${megabytes.toFixed(0)} MiB, LF line endings) per RETR run; logins: ${CLIENTS} clients for ${LOGIN_SECONDS} s; medians of ${REPEAT} alternating runs`);

    let dport: number | undefined;
    let dpid = 0;
    if (canRunDovecot) {
      dport = await freePort();
      const dovecot = await startBenchDovecot(dir.path, dport, users, PASSWORD, { protocol: 'pop3' });
      stops.push(() => dovecot.stop());
      dpid = dovecot.pid;
      try {
        await retrAll(dport); // Dovecot builds its index on first access; measure it warm, as in use
      } catch (err) {
        console.error(await readFile(dovecot.log, 'utf8').catch(() => ''));
        throw err;
      }
    } else {
      console.log('Dovecot not measured: it needs /usr/sbin/dovecot and root');
    }
    await retrAll(port); // the same warm start for pop3d (its folder index, the JIT)

    const samples = { ours: { retr: [] as RetrRun[], logins: [] as number[] }, theirs: { retr: [] as RetrRun[], logins: [] as number[] } };
    for (let r = 0; r < REPEAT; r++) {
      samples.ours.retr.push(await retrRun(port, pop3d.pid ?? 0));
      if (dport !== undefined) samples.theirs.retr.push(await retrRun(dport, dpid));
      samples.ours.logins.push(await loginRate(port));
      if (dport !== undefined) samples.theirs.logins.push(await loginRate(dport));
    }
    /** Milliseconds of server CPU per MB over all the runs. */
    const cpuPerMb = (runs: RetrRun[]): number => (1000 * runs.reduce((s, r) => s + r.cpu, 0)) / runs.reduce((s, r) => s + r.megabytes, 0);
    const summary = (s: { retr: RetrRun[]; logins: number[] }): { retr: number; cpu: number; logins: number } => ({
      retr: median(s.retr.map((r) => r.mbps)),
      cpu: cpuPerMb(s.retr),
      logins: median(s.logins),
    });
    const ours = summary(samples.ours);
    const theirs = dport === undefined ? undefined : summary(samples.theirs);

    const row = (label: string, a: number, b: number | undefined, unit: string): string =>
      `${label.padEnd(18)}${a.toFixed(1).padStart(12)}${(b === undefined ? '-' : b.toFixed(1)).padStart(12)}${(b === undefined ? '-' : (a / b).toFixed(2)).padStart(10)}  ${unit}`;
    console.log(`${''.padEnd(18)}${'pop3d'.padStart(12)}${'dovecot'.padStart(12)}${'ratio'.padStart(10)}`);
    console.log(row('RETR throughput', ours.retr, theirs?.retr, 'MB/s'));
    console.log(row('RETR server CPU', ours.cpu, theirs?.cpu, 'ms per MB'));
    console.log(row('logins', ours.logins, theirs?.logins, 'per second'));
    if (theirs) {
      // Each pop3d run against the Dovecot run right after it (the same load on the machine, more or less).
      const paired = (a: number[], b: number[]): string => median(a.map((x, i) => x / b[i]!)).toFixed(2);
      const retrPaired = paired(samples.ours.retr.map((r) => r.mbps), samples.theirs.retr.map((r) => r.mbps));
      const loginsPaired = LOGIN_SECONDS > 0 ? `, logins ${paired(samples.ours.logins, samples.theirs.logins)}` : '';
      console.log(`median of the ratios of adjacent runs: RETR throughput ${retrPaired}${loginsPaired}`);
      console.log(`RETR throughput per run (MB/s), pop3d/Dovecot: ${samples.ours.retr.map((r, i) => `${r.mbps.toFixed(0)}/${samples.theirs.retr[i]!.mbps.toFixed(0)}`).join(' ')}`);
    }
  } finally {
    await stopAll(children);
    for (const stop of stops) await stop();
    await redis.stop();
    await dir.cleanup();
  }
}

await main();
