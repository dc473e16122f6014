// curl's imap:// and imaps:// against imapd: listing mailboxes, fetching a message byte-exact by UID, STARTTLS
// with --ssl-reqd, implicit TLS, a search, and an upload (APPEND).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, MESSAGES, startImapStack, type ImapStack } from './imap-stack.js';
import { run } from './pop3-stack.js';

let stack: ImapStack;
beforeAll(async () => {
  stack = await startImapStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function curl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await run('curl', ['-sS', '--max-time', '20', '-u', `${ALICE}:${ALICE_PASSWORD}`, ...args]);
  if (r.code !== 0) throw new Error(`curl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

describe('curl', () => {
  it('lists mailboxes and fetches a message over imap://', async () => {
    const base = `imap://127.0.0.1:${stack.port}`;
    expect((await curl([`${base}/`])).stdout).toContain('"/" INBOX');
    const body = (await curl([`${base}/INBOX;UID=1`])).stdout;
    expect(body).toBe(MESSAGES[0]!.replace(/\n/g, '\r\n'));
    const search = (await curl([`${base}/INBOX?SUBJECT%20plain`])).stdout;
    expect(search.trim()).toBe('* SEARCH 1');
  });

  it('upgrades with STARTTLS when TLS is required, and speaks implicit TLS', async () => {
    const r = await curl(['-k', '--ssl-reqd', '-v', `imap://127.0.0.1:${stack.port}/INBOX;UID=2`]);
    expect(r.stderr).toMatch(/STARTTLS[\s\S]*OK Begin TLS negotiation now/);
    expect(r.stdout).toBe(MESSAGES[1]!.replace(/\n/g, '\r\n'));
    const s = await curl(['-k', `imaps://127.0.0.1:${stack.tlsPort}/INBOX;UID=1;SECTION=HEADER.FIELDS%20(SUBJECT)`]);
    expect(s.stdout).toBe('Subject: plain text\r\n\r\n');
  });

  it('uploads a message with APPEND', async () => {
    const file = `${stack.dir.path}/upload.eml`;
    await (await import('node:fs/promises')).writeFile(file, 'Subject: uploaded\r\n\r\nvia curl\r\n');
    await curl(['-T', file, `imap://127.0.0.1:${stack.port}/INBOX`]);
    const st = await curl(['-X', 'STATUS INBOX (MESSAGES)', `imap://127.0.0.1:${stack.port}/`]);
    expect(st.stdout.trim()).toBe(`* STATUS INBOX (MESSAGES ${MESSAGES.length + 1})`);
  });
});
