// Crash safety of local delivery: 1,000 queued messages survive a kill -9 of Redis before delivery (AOF) and a
// kill -9 of the mda in the middle of delivering; in the end every message is in its Maildir exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Producer, QueueAdmin } from '@mail/queue';
import { ConfigSchema } from '@mail/config';
import { spawnRedis, suitePaths, tempDir, type SpawnedRedis, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DNS, REPO, waitFor } from './support.js';

const MESSAGES = 1000;
const ACCOUNTS = ['ann', 'ben', 'cat', 'dan', 'eva'].map((n) => `${n}@crash.test`);

let dir: TempDir;
let redis: SpawnedRedis;
let configFile: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await tempDir('mail-mda-crash-');
  redis = await spawnRedis();
  const etc = join(dir.path, 'etc');
  await mkdir(etc, { recursive: true });
  await writeFile(join(etc, 'users'), ACCOUNTS.map((a) => `${a}:{PLAIN}x::::::\n`).join(''));
  await writeFile(join(etc, 'domains'), 'crash.test\n');
  configFile = join(dir.path, 'mail.yaml');
  const config = {
    hostname: 'mx.crash.test',
    redis: { url: redis.url },
    paths: suitePaths(dir.path),
    log: { level: 'warn' },
    // SPF/DKIM/DMARC lookups fail at once (a closed port): the checks run, without the DNS outside.
    mda: { concurrency: 8, jobLock: '2s', dnsServers: [NO_DNS] },
  };
  ConfigSchema.parse(config);
  // JSON is YAML.
  await writeFile(configFile, JSON.stringify(config, null, 2));
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
  await dir?.cleanup();
});

function startMda(): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAIL_')));
  const child = spawn(process.execPath, [join(REPO, 'apps/mda/dist/bin.js'), '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((r) => child.once('exit', r)).finally(() => children.delete(child));
  return { child, output: () => output, exited };
}

/** The X-Test-Seq value of every stored message, by account. */
async function stored(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const account of ACCOUNTS) {
    const root = join(dir.path, 'mail/crash.test', account.split('@')[0]!, 'Maildir');
    const seqs: string[] = [];
    for (const sub of ['new', 'cur']) {
      for (const name of await readdir(join(root, sub)).catch(() => [] as string[])) {
        const text = await readFile(join(root, sub, name), 'latin1').catch(() => '');
        const m = /^X-Test-Seq: (\d+)\r?$/m.exec(text);
        seqs.push(m ? m[1]! : `unreadable:${name}`);
      }
    }
    out.set(account, seqs);
  }
  return out;
}

async function count(): Promise<number> {
  let n = 0;
  for (const seqs of (await stored()).values()) n += seqs.length;
  return n;
}

describe('mda crash safety', () => {
  it('delivers every message exactly once across a Redis restart and a kill -9 of the mda', { timeout: 300_000 }, async () => {
    const redisConfig = ConfigSchema.parse({ redis: { url: redis.url } }).redis;
    const producer = await Producer.open({ redis: redisConfig });
    const submit = async (i: number): Promise<void> => {
      const to = ACCOUNTS[i % ACCOUNTS.length]!;
      const body = `From: load@example.org\r\nTo: ${to}\r\nSubject: crash ${i}\r\nX-Test-Seq: ${i}\r\n\r\nmessage ${i}\r\n`;
      await producer.submit(
        Buffer.from(body),
        ({ spoolId, size }) => ({
          deliver: { v: 1, spoolId, size, sender: 'load@example.org', recipients: [{ address: to }], received: { at: new Date().toISOString(), clientAddress: '192.0.2.9', protocol: 'ESMTP' } },
        }),
        { refs: 1 },
      );
    };
    try {
      // Sixteen submissions in flight, as from several smtpd sessions.
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < MESSAGES) await submit(next++);
      }));
    } finally {
      await producer.close();
    }

    // Redis dies (no final save) and comes back from its append-only file.
    await redis.restart();

    const first = startMda();
    await waitFor(async () => (await count()) >= 150 || first.child.exitCode !== null, 120_000, first.output);
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await count();
    expect(atKill).toBeLessThan(MESSAGES);

    const second = startMda();
    const admin = await QueueAdmin.open({ redis: redisConfig });
    try {
      await waitFor(
        async () => {
          if ((await count()) < MESSAGES) return false;
          const c = (await admin.counts()).deliver;
          return c.waiting + c.active + c.delayed === 0;
        },
        240_000,
        () => `stored ${atKill} before the kill\n${second.output()}`,
      );
      const counts = (await admin.counts()).deliver;
      expect(counts.failed).toBe(0);
      expect(counts.completed).toBe(MESSAGES);
    } finally {
      await admin.close();
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const all = await stored();
    const seen = new Map<string, number>();
    for (const [account, seqs] of all) {
      for (const seq of seqs) {
        expect(seq, `${account} holds a message without its X-Test-Seq`).toMatch(/^\d+$/);
        expect(ACCOUNTS[Number(seq) % ACCOUNTS.length], `message ${seq} is in the wrong mailbox`).toBe(account);
        seen.set(seq, (seen.get(seq) ?? 0) + 1);
      }
    }
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
    const missing = Array.from({ length: MESSAGES }, (_, i) => String(i)).filter((s) => !seen.has(s));
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
  });
});
