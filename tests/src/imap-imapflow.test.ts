// imapflow (the Node.js IMAP client) against imapd: STARTTLS login, mailbox listing, APPEND, FETCH with
// envelope, structure and source, flags, SEARCH, MOVE, and IDLE announcing a delivery made by another store.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ALICE_PASSWORD, MESSAGES, startImapStack, type ImapStack } from './imap-stack.js';

let stack: ImapStack;
beforeAll(async () => {
  stack = await startImapStack();
});
afterAll(async () => {
  await stack?.stop();
});

function client(options: { secure?: boolean } = {}): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: options.secure ? stack.tlsPort : stack.port,
    secure: options.secure ?? false,
    doSTARTTLS: options.secure ? undefined : true,
    tls: { rejectUnauthorized: false },
    auth: { user: ALICE, pass: ALICE_PASSWORD },
    logger: false,
  });
}

describe('imapflow', () => {
  it('lists, appends, fetches, flags, searches and moves', async () => {
    const c = client();
    await c.connect();
    try {
      await c.mailboxCreate('Archive');
      const names = (await c.list()).map((m) => m.path).sort();
      expect(names).toEqual(['Archive', 'INBOX']);
      const appended = await c.append('INBOX', 'From: x@example.org\r\nSubject: from imapflow\r\n\r\nbody\r\n', ['\\Seen']);
      expect(appended).toMatchObject({ destination: 'INBOX', uid: 3 });
      const lock = await c.getMailboxLock('INBOX');
      try {
        expect((c.mailbox as { exists: number }).exists).toBe(3);
        const fetched = [];
        for await (const m of c.fetch('1:*', { envelope: true, bodyStructure: true, source: true, flags: true, uid: true })) fetched.push(m);
        expect(fetched.map((m) => m.envelope?.subject)).toEqual(['plain text', 'Grüße', 'from imapflow']);
        expect(fetched[0]?.envelope?.from?.[0]).toMatchObject({ name: 'Carol', address: 'carol@example.org' });
        expect(fetched[1]?.bodyStructure).toMatchObject({ type: 'text/plain', parameters: { charset: 'utf-8' }, encoding: '8bit' });
        expect(fetched[0]?.source?.toString()).toBe(MESSAGES[0]!.replace(/\n/g, '\r\n'));
        expect([...(fetched[2]?.flags ?? [])]).toContain('\\Seen');
        await c.messageFlagsAdd('1:2', ['\\Flagged']);
        expect(await c.search({ flagged: true })).toEqual([1, 2]);
        expect(await c.search({ subject: 'Grüße' })).toEqual([2]);
        expect(await c.search({ seen: false })).toEqual([1, 2]);
        const moved = await c.messageMove('3', 'Archive', { uid: true });
        expect(moved).toMatchObject({ destination: 'Archive' });
        expect((c.mailbox as { exists: number }).exists).toBe(2);
      } finally {
        lock.release();
      }
      const st = await c.status('Archive', { messages: true, uidNext: true });
      expect(st).toMatchObject({ messages: 1, uidNext: 2 });
    } finally {
      await c.logout();
    }
  });

  it('IDLE over implicit TLS announces a delivery made by another store', async () => {
    const c = client({ secure: true });
    await c.connect();
    try {
      const lock = await c.getMailboxLock('INBOX');
      try {
        const before = (c.mailbox as { exists: number }).exists;
        const seen = new Promise<number>((resolve) => c.on('exists', (e: { count: number }) => resolve(e.count)));
        const idle = c.idle();
        await new Promise((r) => setTimeout(r, 300));
        const r = await stack.store().deliver(ALICE, 'INBOX', 'Subject: pushed\r\n\r\nhello\r\n');
        expect(r.status).toBe('delivered');
        expect(await seen).toBe(before + 1);
        void idle;
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  });
});
