// mbsync (isync) keeps a local Maildir and imapd in two-way sync: first download of several folders (one with a
// non-ASCII name), then new messages, flag changes, deletions and new folders on both sides, then a run that changes nothing.
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MaildirStore } from '@mail/maildir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, startImapStack, type ImapStack } from './imap-stack.js';
import { run } from './pop3-stack.js';

/** A folder's messages keyed by Message-ID: normalised bytes (LF line ends, no mbsync X-TUID) and sorted flags. */
type Side = Map<string, Map<string, { text: string; flags: string }>>;

const NON_ASCII = 'Überblick';
/** The IMAP (modified UTF-7) form: mbsync 1.4 uses the wire name as the local directory name. */
const NON_ASCII_WIRE = '&ANw-berblick';

/** Maildir info letters mbsync uses, as IMAP flags. */
const LETTERS: Record<string, string> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };

let counter = 0;
function message(id: string, subject: string): string {
  counter += 1;
  return [
    'From: Carol <carol@example.org>',
    `To: ${ALICE}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}@mbsync.example.test>`,
    `Date: Mon, 1 Jul 2024 10:${String(counter).padStart(2, '0')}:00 +0000`,
    '',
    `Body of ${id}.`,
    `Line two ${'x'.repeat(counter)}.`,
    '',
  ].join('\r\n');
}

function normalise(raw: string): { id: string; text: string } {
  const text = raw.replace(/\r\n/g, '\n').replace(/^X-TUID: [^\n]*\n/im, '');
  const id = /^Message-ID:\s*<([^>]+)>/im.exec(text)?.[1];
  if (!id) throw new Error(`message without Message-ID: ${text.slice(0, 200)}`);
  return { id, text };
}

let stack: ImapStack;
let store: MaildirStore;
let home: string;
let conf: string;

const inboxDir = (): string => join(home, 'inbox');
const folderDir = (name: string): string => (name === 'INBOX' ? inboxDir() : join(home, 'folders', name));

async function mbsync(): Promise<string> {
  const r = await run('mbsync', ['-c', conf, '-a'], { env: { ...process.env, HOME: home }, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`mbsync failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

async function serverSide(): Promise<Side> {
  const mailbox = await store.openMailbox(ALICE);
  const side: Side = new Map();
  for (const info of await mailbox.listFolders('', '*')) {
    if (!info.selectable) continue;
    const folder = await mailbox.folder(info.name);
    const messages = new Map<string, { text: string; flags: string }>();
    for (const m of (await folder.snapshot()).messages) {
      const { stream } = await folder.read(m.uid);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const { id, text } = normalise(Buffer.concat(chunks).toString('utf8'));
      expect(messages.has(id), `duplicate ${id} in server ${info.name}`).toBe(false);
      messages.set(id, { text, flags: [...m.flags].sort().join(' ') });
    }
    side.set(info.name === NON_ASCII ? NON_ASCII_WIRE : info.name, messages);
  }
  return side;
}

/** Every local Maildir: the INBOX directory and the maildirs under folders/ (SubFolders Verbatim). */
async function localFolders(): Promise<string[]> {
  const names = ['INBOX'];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(home, 'folders', rel), { withFileTypes: true });
    if (rel && entries.some((e) => e.isDirectory() && e.name === 'cur')) names.push(rel);
    for (const e of entries) {
      if (e.isDirectory() && !['cur', 'new', 'tmp'].includes(e.name)) await walk(rel ? `${rel}/${e.name}` : e.name);
    }
  };
  await walk('');
  return names;
}

async function localFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['cur', 'new']) {
    for (const f of await readdir(join(folderDir(folder), sub))) out.push(`${sub}/${f}`);
  }
  return out.sort();
}

async function localSide(): Promise<Side> {
  const side: Side = new Map();
  for (const name of await localFolders()) {
    const messages = new Map<string, { text: string; flags: string }>();
    for (const file of await localFiles(name)) {
      const { id, text } = normalise(await readFile(join(folderDir(name), file), 'utf8'));
      const info = /:2,([A-Za-z]*)$/.exec(file)?.[1] ?? '';
      const flags = [...info].flatMap((l) => (LETTERS[l] ? [LETTERS[l]] : [])).sort().join(' ');
      expect(messages.has(id), `duplicate ${id} in local ${name}`).toBe(false);
      messages.set(id, { text, flags });
    }
    side.set(name, messages);
  }
  return side;
}

/** The local file of a message, by Message-ID. */
async function localFile(folder: string, id: string): Promise<string> {
  for (const file of await localFiles(folder)) {
    if ((await readFile(join(folderDir(folder), file), 'utf8')).includes(`<${id}@mbsync.example.test>`)) return file;
  }
  throw new Error(`${id} not found locally in ${folder}`);
}

/** Replaces the Maildir info of a local message with these letters (as a mail reader does by renaming). */
async function setLocalFlags(folder: string, id: string, letters: string): Promise<void> {
  const file = await localFile(folder, id);
  const base = file.replace(/^(cur|new)\//, '').replace(/:2,[A-Za-z]*$/, '');
  await rename(join(folderDir(folder), file), join(folderDir(folder), 'cur', `${base}:2,${letters}`));
}

let localSeq = 0;
async function writeLocal(folder: string, id: string): Promise<void> {
  localSeq += 1;
  const name = `1700000000.M${localSeq}P4242.mbsync-test`;
  await writeFile(join(folderDir(folder), 'tmp', name), message(id, `local ${id}`).replace(/\r\n/g, '\n'));
  await rename(join(folderDir(folder), 'tmp', name), join(folderDir(folder), 'new', name));
}

async function serverUid(folder: string, id: string): Promise<number> {
  const f = await (await store.openMailbox(ALICE)).folder(folder);
  for (const m of (await f.snapshot()).messages) {
    const { stream } = await f.read(m.uid);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    if (Buffer.concat(chunks).toString('utf8').includes(`<${id}@mbsync.example.test>`)) return m.uid;
  }
  throw new Error(`${id} not found on the server in ${folder}`);
}

async function deliver(folder: string, id: string, flags: string[] = []): Promise<void> {
  const r = await store.deliver(ALICE, folder, message(id, `server ${id}`), { flags, createFolder: true });
  expect(r.status).toBe('delivered');
  if (r.status === 'delivered') expect(r.folder).toBe(folder);
}

/** The expected state, in the same shape as serverSide()/localSide() produce, without the texts. */
function shape(side: Side): Record<string, Record<string, string>> {
  return Object.fromEntries(
    [...side].sort(([a], [b]) => a.localeCompare(b)).map(([f, ms]) => [f, Object.fromEntries([...ms].sort(([a], [b]) => a.localeCompare(b)).map(([id, m]) => [id, m.flags]))]),
  );
}

async function expectInSync(expected: Record<string, Record<string, string>>): Promise<void> {
  const [server, local] = [await serverSide(), await localSide()];
  expect(shape(server)).toEqual(expected);
  expect(shape(local)).toEqual(expected);
  for (const [folder, ms] of server) {
    for (const [id, m] of ms) expect(local.get(folder)?.get(id)?.text, `${folder} ${id}`).toBe(m.text);
  }
}

beforeAll(async () => {
  stack = await startImapStack();
  store = stack.store();
  home = join(stack.dir.path, 'home');
  await mkdir(join(home, 'folders'), { recursive: true });
  conf = join(home, 'mbsyncrc');
  await writeFile(
    conf,
    [
      'IMAPAccount remote',
      'Host 127.0.0.1',
      `Port ${stack.port}`,
      `User ${ALICE}`,
      `Pass ${ALICE_PASSWORD}`,
      'SSLType None',
      'AuthMechs LOGIN',
      '',
      'IMAPStore remote',
      'Account remote',
      '',
      'MaildirStore local',
      `Path ${join(home, 'folders')}/`,
      `Inbox ${inboxDir()}`,
      'SubFolders Verbatim',
      '',
      'Channel sync',
      'Far :remote:',
      'Near :local:',
      'Patterns *',
      'Create Both',
      'Expunge Both',
      'SyncState *',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  // The stack's own INBOX messages have no Message-ID; this test keys every message by one.
  const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
  await inbox.expunge((await inbox.snapshot()).messages.map((m) => m.uid));
  await deliver('INBOX', 'in-1');
  await deliver('INBOX', 'in-2', ['\\Seen']);
  await deliver('INBOX', 'in-3');
  await deliver('Sent', 'sent-1', ['\\Seen']);
  await deliver('Sent', 'sent-2', ['\\Seen']);
  await deliver('Archive/2025', 'arch-1', ['\\Seen']);
  await deliver('Archive/2025', 'arch-2', ['\\Seen', '\\Flagged']);
  await deliver(NON_ASCII, 'uml-1');
});

afterAll(async () => {
  await stack?.stop();
});

describe('mbsync two-way sync', () => {
  it('downloads every folder', async () => {
    await mbsync();
    await expectInSync({
      INBOX: { 'in-1@mbsync.example.test': '', 'in-2@mbsync.example.test': '\\Seen', 'in-3@mbsync.example.test': '' },
      Sent: { 'sent-1@mbsync.example.test': '\\Seen', 'sent-2@mbsync.example.test': '\\Seen' },
      'Archive/2025': { 'arch-1@mbsync.example.test': '\\Seen', 'arch-2@mbsync.example.test': '\\Flagged \\Seen' },
      [NON_ASCII_WIRE]: { 'uml-1@mbsync.example.test': '' },
    });
  });

  it('propagates additions, flag changes, deletions and new folders both ways', async () => {
    // Server side.
    await deliver('INBOX', 'in-4');
    const sent = await (await store.openMailbox(ALICE)).folder('Sent');
    await sent.append(message('sent-3', 'appended'), { flags: ['\\Seen'] });
    const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
    await inbox.setFlags([await serverUid('INBOX', 'in-1')], 'add', ['\\Flagged']);
    await sent.setFlags([await serverUid('Sent', 'sent-1')], 'remove', ['\\Seen']);
    const archive = await (await store.openMailbox(ALICE)).folder('Archive/2025');
    const arch1 = await serverUid('Archive/2025', 'arch-1');
    await archive.setFlags([arch1], 'add', ['\\Deleted']);
    await archive.expunge([arch1], { onlyDeleted: true });
    await deliver('Server/New', 'srv-1');
    // Local side.
    await writeLocal('INBOX', 'loc-in-1');
    await writeLocal('Archive/2025', 'loc-arch-1');
    await setLocalFlags('Sent', 'sent-2', 'FS');
    await setLocalFlags('INBOX', 'in-2', '');
    await setLocalFlags('INBOX', 'in-3', 'T');
    await unlink(join(folderDir(NON_ASCII_WIRE), await localFile(NON_ASCII_WIRE, 'uml-1')));
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(home, 'folders', 'Local', 'Notes', sub), { recursive: true });
    await writeLocal('Local/Notes', 'note-1');

    await mbsync();
    await expectInSync({
      INBOX: {
        'in-1@mbsync.example.test': '\\Flagged',
        'in-2@mbsync.example.test': '',
        'in-4@mbsync.example.test': '',
        'loc-in-1@mbsync.example.test': '',
      },
      Sent: {
        'sent-1@mbsync.example.test': '',
        'sent-2@mbsync.example.test': '\\Flagged \\Seen',
        'sent-3@mbsync.example.test': '\\Seen',
      },
      'Archive/2025': { 'arch-2@mbsync.example.test': '\\Flagged \\Seen', 'loc-arch-1@mbsync.example.test': '' },
      [NON_ASCII_WIRE]: {},
      'Server/New': { 'srv-1@mbsync.example.test': '' },
      'Local/Notes': { 'note-1@mbsync.example.test': '' },
    });
  });

  it('a run without changes changes nothing on either side', async () => {
    const mailbox = await store.openMailbox(ALICE);
    const before = async (): Promise<unknown> => {
      const out: Record<string, unknown> = {};
      for (const info of await mailbox.listFolders('', '*')) {
        if (!info.selectable) continue;
        const s = await (await mailbox.folder(info.name)).snapshot();
        out[`server ${info.name}`] = { uidNext: s.uidNext, modseq: s.highestModseq, messages: s.messages.map((m) => [m.uid, [...m.flags].sort()]) };
      }
      for (const name of await localFolders()) out[`local ${name}`] = await localFiles(name);
      return out;
    };
    const state = await before();
    await mbsync();
    expect(await before()).toEqual(state);
  });
});
