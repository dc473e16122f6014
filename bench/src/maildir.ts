// Benchmark of @mail/maildir on a large folder: index build, cold open, warm re-open, incremental re-sync, flag change, delivery rate.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaildirStore } from '@mail/maildir';

const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const DELIVERIES = Number(process.env.DELIVERIES ?? 1000);
const ACCOUNT = 'bench@example.test';
const FLAG_SETS = ['', 'S', 'RS', 'FS', 'Sa', 'DS', 'S', 'S'];

function message(i: number): string {
  return `From: sender${i % 97}@example.test\nTo: ${ACCOUNT}\nSubject: message ${i}\nMessage-ID: <${i}@bench.example.test>\n\n${'Lorem ipsum dolor sit amet. '.repeat(12)}\n`;
}

async function time<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label.padEnd(52)} ${ms.toFixed(1).padStart(10)} ms`);
  return result;
}

/** Writes the messages straight into cur/ as another delivery agent would (names with sizes and flags, no UIDs yet). */
async function populate(root: string): Promise<void> {
  for (const d of ['tmp', 'new', 'cur']) await mkdir(join(root, d), { recursive: true });
  const base = Math.floor(Date.now() / 1000) - MESSAGES;
  const batch: Array<Promise<void>> = [];
  for (let i = 0; i < MESSAGES; i++) {
    const body = message(i);
    const size = Buffer.byteLength(body);
    const vsize = size + (body.match(/\n/g)?.length ?? 0);
    const name = `${base + i}.M${i % 1_000_000}P4242Q${i}.benchhost,S=${size},W=${vsize}:2,${FLAG_SETS[i % FLAG_SETS.length]}`;
    batch.push(writeFile(join(root, 'cur', name), body));
    if (batch.length >= 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  await writeFile(join(root, 'dovecot-keywords'), '0 Work\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'maildir-bench-'));
  const location = join(dir, '%d', '%n', 'Maildir');
  const root = join(dir, 'example.test', 'bench', 'Maildir');
  console.log(`@mail/maildir benchmark: ${MESSAGES} messages in one folder (${process.version}, ${process.platform})`);
  try {
    await time(`write ${MESSAGES} message files`, () => populate(root));

    const first = new MaildirStore({ location });
    const built = await time('first open: assign UIDs, write uidlist + modseq log', async () => (await (await first.openMailbox(ACCOUNT)).folder('INBOX')).snapshot());
    if (built.exists !== MESSAGES) throw new Error(`expected ${MESSAGES}, got ${built.exists}`);
    await first.close();

    const cold = new MaildirStore({ location });
    const snap = await time('cold open (new store) + list UIDs/flags', async () => (await (await cold.openMailbox(ACCOUNT)).folder('INBOX')).snapshot());
    if (snap.exists !== MESSAGES || snap.messages[MESSAGES - 1]?.uid !== MESSAGES) throw new Error('cold open listed the wrong messages');
    await time('warm re-open + list UIDs/flags', async () => (await (await cold.openMailbox(ACCOUNT)).folder('INBOX')).snapshot());
    await time('warm re-open + STATUS counts', async () => (await (await cold.openMailbox(ACCOUNT)).folder('INBOX')).status());

    const inbox = await (await cold.openMailbox(ACCOUNT)).folder('INBOX');
    await cold.deliver(ACCOUNT, 'INBOX', message(-1));
    await time('re-sync after one new delivery + list', () => inbox.snapshot());
    await time('flag change on one message (STORE +FLAGS)', () => inbox.setFlags([MESSAGES / 2], 'add', ['\\Flagged']));
    await time('re-sync after our own flag change + list', () => inbox.snapshot());

    const mailbox = await cold.openMailbox(ACCOUNT);
    await mailbox.createFolder('Deliveries');
    const rate = await time(`deliver ${DELIVERIES} messages (fsync, uidlist, modseq)`, async () => {
      for (let i = 0; i < DELIVERIES; i++) await cold.deliver(ACCOUNT, 'Deliveries', message(i), { dedupeKey: `bench-${i}` });
      return DELIVERIES;
    });
    void rate;
    // The same number again, 32 at a time (as the mda's default concurrency): they are stored in batches.
    await time(`deliver ${DELIVERIES} messages, 32 at a time (group commit)`, async () => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < DELIVERIES) {
          const i = next++;
          await cold.deliver(ACCOUNT, 'Deliveries', message(DELIVERIES + i), { dedupeKey: `bench-c-${i}` });
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      return DELIVERIES;
    });
    console.log(`resident memory ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
    await cold.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
