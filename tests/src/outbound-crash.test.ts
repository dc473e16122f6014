// queue-runner killed with SIGKILL in the middle of a batch: after a restart every message reaches the remote
// server exactly once (counted by Message-ID), or is still queued. Runs the built daemon (dist/bin.js) as a process.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ConfigSchema } from '@mail/config';
import { Producer, QueueAdmin } from '@mail/queue';
import { spawnRedis, tempDir, type SpawnedRedis, type TempDir } from '@mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, waitFor } from './support.js';

/** A minimal SMTP server that counts a message only once its 250 went out, and can hold final replies back. */
class CountingServer {
  readonly accepted = new Map<string, number>();
  /** Message-IDs whose data arrived and whose reply is being held or delayed. */
  readonly inFlight = new Set<string>();
  hold = false;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((socket) => this.session(socket));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  private session(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let data: string[] | undefined;
    const send = (l: string): void => void (socket.destroyed || socket.write(`${l}\r\n`));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (data) {
          if (line === '.') {
            const id = /^Message-ID: (\S+)$/m.exec(data.join('\n'))?.[1] ?? '?';
            data = undefined;
            void this.finish(socket, id);
          } else data.push(line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') send('250-test\r\n250 PIPELINING');
        else if (verb === 'DATA') {
          data = [];
          send('354 go');
        } else if (verb === 'QUIT') {
          send('221 bye');
          socket.end();
        } else send('250 ok');
      }
    });
    send('220 test ESMTP');
  }

  private async finish(socket: Socket, id: string): Promise<void> {
    this.inFlight.add(id);
    await new Promise((r) => setTimeout(r, 100));
    while (this.hold && !socket.destroyed) await new Promise((r) => setTimeout(r, 20));
    this.inFlight.delete(id);
    if (socket.destroyed) return;
    this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
    socket.write('250 2.0.0 queued\r\n');
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

describe('queue-runner crash safety', () => {
  let redis: SpawnedRedis;
  let dir: TempDir;
  let smtp: CountingServer;
  let configFile: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await spawnRedis({ appendonly: true });
    dir = await tempDir('outbound-crash-');
    smtp = new CountingServer();
    await smtp.start();
    for (const f of ['users', 'domains', 'aliases', 'virtual']) await writeFile(join(dir.path, f), '');
    configFile = join(dir.path, 'mail.yaml');
    await writeFile(
      configFile,
      [
        'hostname: mta.local.test',
        'domains: [local.test]',
        `redis: { url: "${redis.url}", prefix: "${redis.prefix}" }`,
        `paths: { data: "${dir.path}", users: "${dir.path}/users", domains: "${dir.path}/domains", aliases: "${dir.path}/aliases", virtual: "${dir.path}/virtual", dkim: "${dir.path}/dkim" }`,
        'log: { level: warn }',
        'queueRunner:',
        '  concurrency: 4',
        `  transport: { "*": "smtp:[127.0.0.1]:${smtp.port}" }`,
        '  retrySchedule: { first: 1s, max: 2s, giveUp: 10m }',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await smtp?.close();
    await redis?.stop();
    await dir?.cleanup();
  });

  function runQueueRunner(): ChildProcess {
    const child = spawn(process.execPath, [join(REPO, 'apps/queue-runner/dist/bin.js'), '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MAIL_CONFIG: '' } });
    child.stderr!.on('data', () => undefined);
    children.push(child);
    return child;
  }

  it('delivers every message exactly once across a kill -9 mid-batch', { timeout: 240_000 }, async () => {
    const total = 24;
    const redisConfig = ConfigSchema.parse({ redis: { url: redis.url, prefix: redis.prefix } }).redis;
    const producer = await Producer.open({ redis: redisConfig });
    const admin = await QueueAdmin.open({ redis: redisConfig });
    try {
      const jobOf = new Map<string, string>();
      for (let i = 0; i < total; i++) {
        const mid = `<crash-${i}@local.test>`;
        const text = `From: <alice@local.test>\r\nTo: <bob@remote.test>\r\nMessage-ID: ${mid}\r\nSubject: ${i}\r\n\r\nbody ${i}\r\n`;
        const now = new Date().toISOString();
        const r = await producer.submit(
          Buffer.from(text),
          ({ spoolId, size }) => ({
            outbound: { v: 1, spoolId, size, sender: 'alice@local.test', dsn: {}, received: { at: now, clientAddress: '127.0.0.1', protocol: 'ESMTP' }, firstAttemptAt: now, messageId: mid, recipients: [{ address: 'bob@remote.test' }, { address: 'carol@remote.test' }] },
          }),
          { refs: 1 },
        );
        jobOf.set(mid, r.ids.outbound!);
      }

      const first = runQueueRunner();
      await waitFor(() => smtp.accepted.size >= 8, 60_000, () => `accepted ${smtp.accepted.size}`);
      // Freeze: no further 250 goes out; wait until every message the server took is recorded in its job, then
      // kill while other messages are in the middle of their transactions (data sent, reply not yet received).
      smtp.hold = true;
      await waitFor(async () => {
        for (const mid of smtp.accepted.keys()) {
          const job = await admin.get(jobOf.get(mid)!);
          if (!job || !job.recipients.every((r) => r.status === 'delivered')) return false;
        }
        return smtp.inFlight.size > 0;
      }, 30_000, () => `accepted ${smtp.accepted.size}, in flight ${smtp.inFlight.size}`);
      const interrupted = [...smtp.inFlight];
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      smtp.hold = false;
      expect(interrupted.length).toBeGreaterThan(0);
      expect(smtp.accepted.size).toBeLessThan(total);

      runQueueRunner();
      // Jobs the dead process held come back once their lock expires (BullMQ's stalled-job check, about a minute).
      await waitFor(
        async () => {
          for (const id of jobOf.values()) {
            const job = await admin.get(id);
            if (job && job.state !== 'completed') return false;
          }
          return true;
        },
        200_000,
        () => `accepted ${smtp.accepted.size} of ${total}`,
      );
      for (const mid of jobOf.keys()) expect(smtp.accepted.get(mid), mid).toBe(1);
      for (const mid of interrupted) expect(smtp.accepted.get(mid)).toBe(1);
    } finally {
      await admin.close();
      await producer.close();
    }
  });
});
