// IMAP benchmark: memory per idle authenticated connection and a mixed workload's operations per second, for
// imapd and for Dovecot's imap over copies of the same Maildirs, in one run, each server in its own processes.
// Run with `pnpm --filter @mail/bench imap` (as root, for Dovecot).
//
// Memory: CONNECTIONS connections LOGIN (spread over IDLE_USERS accounts) and stay idle; the growth of resident
// memory divided by the connections. For imapd that is its one process; for Dovecot the sum over the master and
// every process below it (imap-login, auth, one imap process per connection...), as RSS (shared pages counted in
// every process) and as PSS (shared pages divided among the processes sharing them).
// Workload: CLIENTS clients, each on its own account of MESSAGES messages, loop over SELECT, FETCH of headers,
// FETCH of whole messages, STORE of flags, SEARCH, APPEND, STORE \Deleted and EXPUNGE of what they appended, for
// SECONDS; runs alternate between the servers and the medians of REPEAT runs are compared.
// Settings: CONNECTIONS, IDLE_USERS, CLIENTS, MESSAGES, SECONDS, REPEAT, IMAPD_PROFILE (a directory for a CPU
// profile of imapd), SKIP (memory or workload), PROCESSES (imapd.processes; default one per core), PER_COMMAND
// (<n>: also the server CPU per command of each kind alone, n of each from one client), PER_COMMAND_ONLY (a
// comma-separated list of the command names of that table to measure, for a profile of just those).
import type { ChildProcess } from 'node:child_process';
import { chmod, cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { MaildirStore } from '@mail/maildir';
import { freePort, spawnRedis, tempDir } from '@mail/testing';
import { cpuSeconds, median, PASSWORD, spawnDaemon, stopAll, waitForGreeting, writeAccounts, writeConfig } from './daemon.js';
import { canRunDovecot, startBenchDovecot } from './dovecot.js';
import { ImapClient } from './imap-client.js';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 2000);
const IDLE_USERS = Number(process.env.IDLE_USERS ?? 100);
const CLIENTS = Number(process.env.CLIENTS ?? 10);
const MESSAGES = Number(process.env.MESSAGES ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 5);
const REPEAT = Number(process.env.REPEAT ?? 3);
/** imapd.processes: by default one worker per core, as Dovecot's imap processes spread over the cores. */
const PROCESSES = Number(process.env.PROCESSES ?? availableParallelism());
const SKIP = process.env.SKIP ?? '';

const idleUser = (i: number): string => `idle${i}@example.test`;
const mixUser = (i: number): string => `mix${i}@example.test`;

/** A deterministic pseudo-random sequence (the same operations against both servers). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Messages of 1 to 40 KiB, some multipart, LF line endings. */
function message(i: number, to: string): string {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n';
  const kb = 1 + ((i * 7919) % 40);
  const body = line.repeat(Math.max(1, Math.floor((kb * 1024) / line.length)));
  const head = `From: Sender ${i % 13} <sender${i % 13}@example.org>\nTo: ${to}\nSubject: message ${i} about topic ${i % 17}\nDate: Mon, 1 Jul 2024 10:${String(i % 60).padStart(2, '0')}:00 +0000\nMessage-ID: <${i}@bench.example.org>\nMIME-Version: 1.0\n`;
  if (i % 3) return `${head}Content-Type: text/plain; charset=us-ascii\n\n${body}`;
  return `${head}Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\nContent-Type: text/plain; charset=us-ascii\n\n${body}\n--b${i}\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${Buffer.alloc(2048, i).toString('base64').replace(/.{76}/g, '$&\n')}\n--b${i}--\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function status(pid: number): Promise<{ ppid: number; rss: number } | null> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { ppid: field('PPid'), rss: field('VmRSS') * 1024 };
  } catch {
    return null;
  }
}

/** CPU seconds of a process tree: every live process in it, and the children it reaped. */
async function treeCpu(root: number): Promise<number> {
  let total = 0;
  for (const pid of await treePids(root)) total += await cpuSeconds(pid);
  return total;
}

async function pss(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0) * 1024;
}

/** A process and all its descendants. */
async function treePids(root: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = await status(Number(name));
    if (s) parent.set(Number(name), s.ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree);
}

/** RSS and PSS summed over a process and all its descendants, and how many processes that is. */
async function treeMemory(root: number): Promise<{ rss: number; pss: number; processes: number }> {
  const total = { rss: 0, pss: 0, processes: 0 };
  for (const pid of await treePids(root)) {
    total.rss += (await status(pid))?.rss ?? 0;
    total.pss += await pss(pid);
    total.processes += 1;
  }
  return total;
}

/** Opens `n` connections that LOGIN and stay; `parallel` at a time. */
async function holdConnections(port: number, n: number, parallel = 50): Promise<ImapClient[]> {
  const held: ImapClient[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        const c = await ImapClient.connect(port);
        c.keep = false;
        await c.login(idleUser(i % IDLE_USERS), PASSWORD);
        held.push(c);
      }
    }),
  );
  return held;
}

interface MemoryFigures {
  perConnection: number;
  pssPerConnection?: number;
  before: number;
  after: number;
  processes?: number;
}

async function idleMemory(port: number, measure: () => Promise<{ rss: number; pss: number; processes: number }>): Promise<MemoryFigures> {
  // Warm-up: a few sessions of each account, so that what the first login of an account costs is not counted.
  for (const c of await holdConnections(port, IDLE_USERS)) c.destroy();
  await sleep(2000);
  const before = await measure();
  const held = await holdConnections(port, CONNECTIONS);
  await sleep(3000);
  const after = await measure();
  for (const c of held) c.destroy();
  await sleep(1000);
  return {
    perConnection: (after.rss - before.rss) / CONNECTIONS,
    pssPerConnection: (after.pss - before.pss) / CONNECTIONS,
    before: before.rss,
    after: after.rss,
    processes: after.processes,
  };
}

const HEADER_FETCH = '(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID CONTENT-TYPE)])';

/** Time per command name over a run, with TIMINGS=1. */
let timings: Map<string, { n: number; ms: number }> | null = null;

/** One client's loop for `seconds`: returns the commands completed. */
async function mixedClient(port: number, k: number, seconds: number, round: number): Promise<number> {
  const rnd = random(1 + k * 1000 + round);
  const pick = (n: number): number => 1 + Math.floor(rnd() * n);
  const c = await ImapClient.connect(port);
  c.keep = false;
  c.timings = timings;
  await c.login(mixUser(k), PASSWORD);
  let ops = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const selected = await c.command('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(selected.untagged.join('\n'))?.[1] ?? MESSAGES);
    c.keep = false;
    ops++;
    const from = pick(Math.max(1, exists - 20));
    await c.command(`FETCH ${from}:${from + 19} ${HEADER_FETCH}`);
    ops++;
    for (let j = 0; j < 3; j++) {
      await c.command(`FETCH ${pick(exists)} BODY.PEEK[]`);
      ops++;
    }
    await c.command(`STORE ${pick(exists)} ${rnd() < 0.5 ? '+' : '-'}FLAGS (\\Seen)`);
    await c.command(`STORE ${pick(exists)} +FLAGS (\\Flagged $Bench${pick(4)})`);
    ops += 2;
    await c.command(rnd() < 0.5 ? `SEARCH UNSEEN` : `SEARCH FROM "sender${pick(13) - 1}" SUBJECT "topic"`);
    ops++;
    const uid = await append(c, 1000 + ops, mixUser(k));
    await c.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
    await c.command('EXPUNGE');
    ops += 3;
    c.keep = true;
  }
  await c.logout();
  return ops;
}

interface WorkloadFigures {
  /** Commands per second. */
  rate: number;
  /** Server CPU milliseconds per command. */
  cpu: number;
}

async function workload(port: number, serverPid: number, round: number, label = ''): Promise<WorkloadFigures> {
  timings = process.env.TIMINGS && label ? new Map() : null;
  const cpuBefore = await treeCpu(serverPid);
  const started = process.hrtime.bigint();
  const counts = await Promise.all(Array.from({ length: CLIENTS }, (_, k) => mixedClient(port, k, SECONDS, round)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await sleep(200); // Dovecot's imap processes exit after LOGOUT: let the master reap them (their CPU time)
  const cpu = (await treeCpu(serverPid)) - cpuBefore;
  if (timings) console.log(`  ${label} ms per command: ${[...timings].map(([name, t]) => `${name} ${(t.ms / t.n).toFixed(1)}`).join(', ')}`);
  const ops = counts.reduce((a, b) => a + b, 0);
  return { rate: ops / seconds, cpu: (cpu * 1000) / ops };
}

/** The commands of the mixed workload, each measured alone: one client on one account sends `n` of it. */
const SINGLE_COMMANDS: Array<[string, (c: ImapClient, i: number, exists: number) => Promise<unknown>]> = [
  ['NOOP', (c) => c.command('NOOP')],
  ['SELECT', (c) => c.command('SELECT INBOX')],
  ['FETCH 20 headers', (c, i, n) => c.command(`FETCH ${1 + (i % (n - 20))}:${20 + (i % (n - 20))} ${HEADER_FETCH}`)],
  ['FETCH BODY[]', (c, i, n) => c.command(`FETCH ${1 + ((i * 7) % n)} BODY.PEEK[]`)],
  // Each message in turn loses \Seen and gets it back: every STORE but the first few renames a file.
  ['STORE', (c, i, n) => c.command(`STORE ${1 + (((i >> 1) * 13) % n)} ${i % 2 ? '+' : '-'}FLAGS (\\Seen)`)],
  ['STORE changing nothing', (c, i, n) => c.command(`STORE ${1 + ((i * 13) % n)} +FLAGS (\\Flagged)`)],
  ['SEARCH UNSEEN', (c) => c.command('SEARCH UNSEEN')],
  ['SEARCH FROM SUBJECT', (c, i) => c.command(`SEARCH FROM "sender${i % 13}" SUBJECT "topic"`)],
  // What the workload does to be rid of what it appended: three commands, counted as one here.
  [
    'APPEND+STORE+EXPUNGE',
    async (c, i) => {
      const uid = await append(c, 2000 + i, mixUser(0));
      await c.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
      await c.command('EXPUNGE');
    },
  ],
];

/** APPENDs message `i` of the mixed workload; its UID. */
async function append(c: ImapClient, i: number, to: string): Promise<string> {
  c.keep = true;
  const appended = await c.command('APPEND INBOX (\\Seen) "01-Jul-2024 10:00:00 +0000"', { literal: Buffer.from(message(i, to).replace(/\n/g, '\r\n')) });
  c.keep = false;
  const uid = /APPENDUID \d+ (\d+)/.exec(appended.status)?.[1];
  if (!uid) throw new Error(`APPEND without APPENDUID: ${appended.status}`);
  return uid;
}

/** Server CPU and time per command (ms) of each command of SINGLE_COMMANDS, `n` times in one session. */
async function perCommand(port: number, serverPid: number, n: number): Promise<Map<string, { cpu: number; wall: number }>> {
  const c = await ImapClient.connect(port);
  c.keep = false;
  await c.login(mixUser(0), PASSWORD);
  c.keep = true;
  const selected = await c.command('SELECT INBOX');
  c.keep = false;
  const exists = Number(/\* (\d+) EXISTS/.exec(selected.untagged.join('\n'))?.[1] ?? MESSAGES);
  const out = new Map<string, { cpu: number; wall: number }>();
  const only = process.env.PER_COMMAND_ONLY?.split(',');
  for (const [name, run] of SINGLE_COMMANDS) {
    if (only && !only.includes(name)) continue;
    for (let i = 0; i < 20; i++) await run(c, i, exists); // warm
    const before = await treeCpu(serverPid);
    const started = performance.now();
    for (let i = 0; i < n; i++) await run(c, i, exists);
    out.set(name, { cpu: (((await treeCpu(serverPid)) - before) * 1000) / n, wall: (performance.now() - started) / n });
  }
  await c.logout();
  return out;
}

async function main(): Promise<void> {
  const dir = await tempDir('imap-bench-');
  const redis = await spawnRedis({ appendonly: false });
  const children: ChildProcess[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    await chmod(dir.path, 0o755); // Dovecot's processes (dovecot, nobody) read below it
    const users = [...Array.from({ length: IDLE_USERS }, (_, i) => idleUser(i)), ...Array.from({ length: CLIENTS }, (_, k) => mixUser(k))];
    await writeAccounts(dir.path, users);
    const location = join(dir.path, 'ours/%d/%n/Maildir');
    const store = new MaildirStore({ location });
    for (let i = 0; i < IDLE_USERS; i++) await store.deliver(idleUser(i), 'INBOX', message(i, idleUser(i)));
    for (let k = 0; k < CLIENTS; k++) for (let i = 0; i < MESSAGES; i++) await store.deliver(mixUser(k), 'INBOX', message(i, mixUser(k)));
    await store.close();
    // Dovecot gets a copy: it writes its index files into the Maildir and runs as nobody.
    await cp(join(dir.path, 'ours'), join(dir.path, 'theirs'), { recursive: true });

    const port = await freePort();
    const config = await writeConfig(dir.path, redis.url, location, [
      `limits: { connections: ${CONNECTIONS + 100}, connectionsPerIp: ${CONNECTIONS + 100}, connectionsPerUser: ${CONNECTIONS} }`,
      `imapd: { processes: ${PROCESSES}, listeners: [{ host: 127.0.0.1, port: ${port}, tls: none }] }`,
    ]);
    const imapd = spawnDaemon('imapd', config, process.env.IMAPD_PROFILE);
    children.push(imapd);
    await waitForGreeting(imapd, 'imapd', async () => (await ImapClient.connect(port)).logout());

    console.log(`IMAP benchmark: memory with ${CONNECTIONS} idle authenticated connections over ${IDLE_USERS} accounts; workload: ${CLIENTS} clients, ${MESSAGES} messages each (1-40 KiB), ${SECONDS} s runs, medians of ${REPEAT} alternating runs; imapd.processes ${PROCESSES}`);

    let dport: number | undefined;
    let dpid = 0;
    if (canRunDovecot) {
      dport = await freePort();
      const dovecot = await startBenchDovecot(dir.path, dport, users, PASSWORD, {
        protocol: 'imap',
        // One imap process per connection (Dovecot's default); enough of them, and of client slots, for CONNECTIONS.
        extra: [
          `default_process_limit = ${CONNECTIONS + 500}`,
          `default_client_limit = ${2 * CONNECTIONS + 1000}`,
          `service imap {\n  process_limit = ${CONNECTIONS + 500}\n}`,
          `protocol imap {\n  mail_max_userip_connections = ${CONNECTIONS}\n}`,
        ],
      });
      dpid = dovecot.pid;
      stops.push(() => dovecot.stop());
    } else {
      console.log('Dovecot not measured: it needs /usr/sbin/dovecot and root');
    }

    const ourMemory = (): Promise<{ rss: number; pss: number; processes: number }> => treeMemory(imapd.pid!);
    const kb = (n: number | undefined): number | undefined => (n === undefined ? undefined : n / 1024);
    const row = (label: string, a: number, b: number | undefined, unit: string, digits = 1): string =>
      `${label.padEnd(30)}${a.toFixed(digits).padStart(12)}${(b === undefined ? '-' : b.toFixed(digits)).padStart(12)}${(b === undefined ? '-' : (a / b).toFixed(2)).padStart(10)}  ${unit}`;
    const header = `${''.padEnd(30)}${'imapd'.padStart(12)}${'dovecot'.padStart(12)}${'ratio'.padStart(10)}`;

    if (SKIP !== 'memory') {
      const ours = await idleMemory(port, ourMemory);
      const theirs = dport === undefined ? undefined : await idleMemory(dport, () => treeMemory(dpid));
      console.log(header);
      console.log(row('RSS per idle connection', kb(ours.perConnection)!, kb(theirs?.perConnection), 'KiB'));
      console.log(row('PSS per idle connection', kb(ours.pssPerConnection)!, kb(theirs?.pssPerConnection), 'KiB'));
      console.log(row('RSS before / after', ours.before / 2 ** 20, theirs && theirs.before / 2 ** 20, 'MiB before'));
      console.log(row('', ours.after / 2 ** 20, theirs && theirs.after / 2 ** 20, `MiB after (Dovecot: ${theirs?.processes ?? '-'} processes)`));
    }

    if (process.env.PER_COMMAND) {
      // PER_COMMAND=<n>: where the CPU per command differs, command by command, one client at a time.
      const n = Number(process.env.PER_COMMAND) || 500;
      const ours = await perCommand(port, imapd.pid!, n);
      const theirs = dport === undefined ? undefined : await perCommand(dport, dpid, n);
      console.log(`server CPU and time per command, one client, ${n} of each:`);
      console.log(header);
      for (const [name, ms] of ours) console.log(row(name, ms.cpu, theirs?.get(name)?.cpu, 'ms CPU', 3));
      for (const [name, ms] of ours) console.log(row(name, ms.wall, theirs?.get(name)?.wall, 'ms per command', 3));
    }

    if (SKIP !== 'workload') {
      // Warm start: Dovecot builds its indexes on first access, imapd its folder indexes and the JIT.
      if (dport !== undefined) await workload(dport, dpid, -1);
      await workload(port, imapd.pid!, -1);
      const samples = { ours: [] as WorkloadFigures[], theirs: [] as WorkloadFigures[] };
      for (let r = 0; r < REPEAT; r++) {
        samples.ours.push(await workload(port, imapd.pid!, r, 'imapd'));
        if (dport !== undefined) samples.theirs.push(await workload(dport, dpid, r, 'dovecot'));
      }
      const theirs = samples.theirs.length > 0;
      console.log(header);
      console.log(row(`mixed workload, ${CLIENTS} clients`, median(samples.ours.map((s) => s.rate)), theirs ? median(samples.theirs.map((s) => s.rate)) : undefined, 'commands per second'));
      console.log(row('server CPU per command', median(samples.ours.map((s) => s.cpu)), theirs ? median(samples.theirs.map((s) => s.cpu)) : undefined, 'ms (all processes)'));
      console.log(`  runs: imapd ${samples.ours.map((s) => s.rate.toFixed(0)).join(' ')}; dovecot ${samples.theirs.map((s) => s.rate.toFixed(0)).join(' ')}`);
    }
  } finally {
    await stopAll(children);
    for (const stop of stops) await stop();
    await redis.stop();
    await dir.cleanup();
  }
}

await main();
