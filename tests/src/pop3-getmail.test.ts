// getmail6 against pop3d, delivering into a Maildir: APOP on the plaintext port (only new messages by UIDL, so a
// second run gets nothing), then POP3 over TLS with delete; each message byte-exact.
import { chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, lf, run, startPop3Stack, type Pop3Stack } from './pop3-stack.js';

let stack: Pop3Stack;
beforeAll(async () => {
  stack = await startPop3Stack();
});
afterAll(async () => {
  await stack?.stop();
});

async function getmail(name: string, retriever: string[], options: string[]): Promise<{ code: number | null; output: string; maildir: string }> {
  const home = join(stack.dir.path, 'getmail');
  const maildir = join(stack.dir.path, 'received', 'Maildir');
  for (const d of ['cur', 'new', 'tmp']) await mkdir(join(maildir, d), { recursive: true });
  // getmail refuses to deliver as root: it switches to `user` for the delivery, which must own the Maildir.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const nobody = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('nobody:'))!.split(':');
    for (const p of [join(maildir, '..'), maildir, ...['cur', 'new', 'tmp'].map((d) => join(maildir, d))]) await chown(p, Number(nobody[2]), Number(nobody[3]));
  }
  await mkdir(home, { recursive: true });
  const rc = join(home, name);
  await writeFile(
    rc,
    [
      '[retriever]',
      ...retriever,
      'server = 127.0.0.1',
      `username = ${ALICE}`,
      `password = ${ALICE_PASSWORD}`,
      '',
      '[destination]',
      'type = Maildir',
      `path = ${maildir}/`,
      ...(asRoot ? ['user = nobody'] : []),
      '',
      '[options]',
      'verbose = 2',
      'delivered_to = false',
      'received = false',
      ...options,
      '',
    ].join('\n'),
  );
  const r = await run('getmail', [`--getmaildir=${home}`, `--rcfile=${rc}`]);
  return { code: r.code, output: r.stdout + r.stderr, maildir };
}

/** Without a leading Return-Path: getmail drops the one a message has and writes its own from the envelope it guessed. */
const noReturnPath = (m: string): string => m.replace(/^Return-Path: [^\n]*\n/, '');

/** The messages in a Maildir, in LF form. */
async function maildirMessages(maildir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['new', 'cur']) {
    for (const n of await readdir(join(maildir, sub))) out.push(lf(await readFile(join(maildir, sub, n))));
  }
  return out.map(noReturnPath).sort();
}

describe('getmail6', () => {
  it('APOP, only new messages: every message once, nothing on the second run', async () => {
    const retriever = ['type = SimplePOP3Retriever', `port = ${stack.port}`, 'use_apop = true'];
    const first = await getmail('apop.rc', retriever, ['read_all = false', 'delete = false']);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/4 messages .*retrieved/);
    expect(await maildirMessages(first.maildir)).toEqual(stack.messages.map((m) => noReturnPath(lf(m))).sort());
    const second = await getmail('apop.rc', retriever, ['read_all = false', 'delete = false']);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/0 messages .*retrieved/);
    expect(await stack.count()).toBe(stack.messages.length);
  });

  it('over implicit TLS with delete: the maildrop is emptied', async () => {
    const retriever = ['type = SimplePOP3SSLRetriever', `port = ${stack.tlsPort}`];
    const r = await getmail('ssl.rc', retriever, ['read_all = true', 'delete = true']);
    expect(r.code, r.output).toBe(0);
    expect(await stack.count()).toBe(0);
  });
});
