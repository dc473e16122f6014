// Session tests of the authenticated state: SELECT/EXAMINE, LIST, LSUB, NAMESPACE, STATUS, CREATE, DELETE,
// RENAME, SUBSCRIBE, APPEND (buffered and streamed), CLOSE, UNSELECT, EXPUNGE, and a second session that sees
// the first one's changes.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '@mail/maildir';
import { startHarness, stopSharedTls, USER, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(stopSharedTls);

const msg = (subject: string, body = 'Hello'): string => `From: a@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\n\r\n${body}\r\n`;

describe('SELECT and EXAMINE', () => {
  it('reports the mailbox state', async () => {
    h = await startHarness();
    await h.store.deliver(USER, 'INBOX', msg('one'));
    await h.store.deliver(USER, 'INBOX', msg('two'));
    const c = await h.login();
    const r = await c.ok('SELECT INBOX');
    expect(r.text).toBe('[READ-WRITE] SELECT completed');
    expect(r.untagged).toContain('* 2 EXISTS');
    expect(r.untagged).toContain('* 2 RECENT');
    expect(r.untagged).toContain('* OK [UNSEEN 1] First unseen');
    expect(r.untagged.some((l) => /^\* OK \[UIDVALIDITY \d+\]/.test(l))).toBe(true);
    expect(r.untagged).toContain('* OK [UIDNEXT 3] Predicted next UID');
    expect(r.untagged.some((l) => l.startsWith('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)'))).toBe(true);
    expect(r.untagged.some((l) => l.startsWith('* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)]'))).toBe(true);
    expect(r.untagged.some((l) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(l))).toBe(true);
    const e = await c.ok('EXAMINE INBOX');
    expect(e.untagged[0]).toBe('* OK [CLOSED] Previous mailbox closed');
    expect(e.untagged).toContain('* 0 RECENT');
    expect(e.text).toMatch(/^\[READ-ONLY\]/);
  });

  it('omits RECENT for IMAP4rev2 and lists the name', async () => {
    h = await startHarness();
    const c = await h.login();
    await c.ok('ENABLE IMAP4rev2');
    const r = await c.ok('SELECT inbox');
    expect(r.untagged.some((l) => l.includes('RECENT'))).toBe(false);
    expect(r.untagged).toContain('* LIST (\\HasNoChildren) "/" INBOX');
  });

  it('a failed SELECT leaves no mailbox selected', async () => {
    h = await startHarness();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const r = await c.cmd('SELECT Nope');
    expect(r.status).toBe('NO');
    expect(r.text).toMatch(/^\[NONEXISTENT\]/);
    expect((await c.cmd('CLOSE')).status).toBe('BAD');
  });
});

describe('folders', () => {
  it('creates, lists, renames, subscribes and deletes', async () => {
    h = await startHarness();
    const c = await h.login();
    await c.ok('CREATE Work/');
    await c.ok('CREATE Work/Projects');
    expect((await c.cmd('CREATE Work')).text).toMatch(/^\[ALREADYEXISTS\]/);
    expect((await c.cmd('CREATE INBOX')).text).toMatch(/^\[ALREADYEXISTS\]/);
    const l = await c.ok('LIST "" *');
    expect(l.untagged).toContain('* LIST (\\HasChildren) "/" Work');
    expect(l.untagged).toContain('* LIST (\\HasNoChildren) "/" Work/Projects');
    expect(l.untagged[0]).toMatch(/^\* LIST \(.*\) "\/" INBOX$/);
    expect((await c.ok('LIST "" ""')).untagged).toEqual(['* LIST (\\Noselect) "/" ""']);
    expect((await c.ok('LIST "" %')).untagged.some((x) => x.endsWith('Work/Projects'))).toBe(false);
    await c.ok('RENAME Work Job');
    const after = await c.ok('LIST "" *');
    expect(after.untagged).toContain('* LIST (\\HasNoChildren) "/" Job/Projects');
    await c.ok('SUBSCRIBE Job/Projects');
    expect((await c.ok('LSUB "" *')).untagged).toEqual(['* LSUB () "/" Job/Projects']);
    expect((await c.ok('LSUB "" %')).untagged).toEqual(['* LSUB (\\Noselect) "/" Job']);
    const ext = await c.ok('LIST (SUBSCRIBED RECURSIVEMATCH) "" %');
    expect(ext.untagged).toContain('* LIST (\\HasChildren) "/" Job ("CHILDINFO" ("SUBSCRIBED"))');
    const sub = await c.ok('LIST "" * RETURN (SUBSCRIBED)');
    expect(sub.untagged).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" Job/Projects');
    await c.ok('UNSUBSCRIBE Job/Projects');
    expect((await c.ok('LSUB "" *')).untagged).toEqual([]);
    await c.ok('DELETE Job/Projects');
    expect((await c.cmd('DELETE INBOX')).status).toBe('NO');
    expect((await c.cmd('DELETE Nope')).text).toMatch(/^\[NONEXISTENT\]/);
  });

  it('names folders in modified UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT', async () => {
    h = await startHarness();
    const c = await h.login();
    await c.ok('CREATE "Entw&APw-rfe"');
    expect((await c.ok('LIST "" Entw*')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" Entw&APw-rfe']);
    await c.ok('ENABLE UTF8=ACCEPT');
    expect((await c.ok('LIST "" Entw*')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" "Entwürfe"']);
    await c.ok('SELECT "Entwürfe"');
  });

  it('lists special-use folders and LIST-STATUS', async () => {
    h = await startHarness();
    const c = await h.login();
    await c.ok('CREATE Sent');
    await h.store.deliver(USER, 'INBOX', msg('x'));
    const r = await c.ok('LIST (SPECIAL-USE) "" * RETURN (STATUS (MESSAGES UIDNEXT))');
    expect(r.untagged).toEqual(['* LIST (\\HasNoChildren \\Sent) "/" Sent', '* STATUS Sent (MESSAGES 0 UIDNEXT 1)']);
    const all = await c.ok('LIST "" * RETURN (STATUS (MESSAGES))');
    expect(all.untagged).toContain('* STATUS INBOX (MESSAGES 1)');
    expect((await c.ok('NAMESPACE')).untagged).toEqual(['* NAMESPACE (("" "/")) NIL NIL']);
  });

  it('CREATE-SPECIAL-USE gives a new folder its use, and refuses unsupported or taken uses with USEATTR', async () => {
    h = await startHarness();
    const c = await h.login();
    expect((await c.ok('CAPABILITY')).untagged[0]).toContain(' CREATE-SPECIAL-USE');
    await c.ok('CREATE "Sent Items" (USE (\\Sent))');
    await c.ok('CREATE Drafts');
    expect((await c.ok('LIST (SPECIAL-USE) "" *')).untagged).toEqual(['* LIST (\\HasNoChildren \\Drafts) "/" Drafts', '* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"']);
    expect((await c.ok('LIST "" "Sent Items" RETURN (SPECIAL-USE)')).untagged).toEqual(['* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"']);
    for (const [name, use] of [['Outbox', '\\Sent'], ['Mine', '\\Drafts'], ['Everything', '\\All'], ['Odd', '\\Important'], ['Two', '\\Junk \\Trash']]) {
      const r = await c.cmd(`CREATE ${name} (USE (${use}))`);
      expect(r.status, `${name} ${use}`).toBe('NO');
      expect(r.text).toMatch(/^\[USEATTR\] /);
    }
    expect((await c.cmd('CREATE "Sent Items" (USE (\\Archive))')).text).toMatch(/^\[ALREADYEXISTS\]/);
    expect((await c.ok('LIST "" *')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" INBOX', '* LIST (\\HasNoChildren \\Drafts) "/" Drafts', '* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"']);
    expect(await (await h.store.openMailbox(USER)).specialUseFolder('\\Sent')).toBe('Sent Items');
  });

  it('STATUS reports counts, size and limits', async () => {
    h = await startHarness();
    await h.store.deliver(USER, 'INBOX', msg('one'));
    const c = await h.login();
    const r = await c.ok('STATUS INBOX (MESSAGES UIDNEXT UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT)');
    expect(r.untagged[0]).toMatch(/^\* STATUS INBOX \(MESSAGES 1 UIDNEXT 2 UNSEEN 1 DELETED 0 SIZE \d+ RECENT 1 HIGHESTMODSEQ \d+ APPENDLIMIT 52428800\)$/);
    expect((await c.cmd('STATUS Nope (MESSAGES)')).text).toMatch(/^\[NONEXISTENT\]/);
  });
});

describe('APPEND', () => {
  it('appends with flags and date and answers APPENDUID', async () => {
    h = await startHarness();
    const c = await h.login();
    const m = msg('appended');
    c.write(`p1 APPEND INBOX (\\Seen $Work) "14-Jul-2024 02:44:25 +0200" {${m.length}}\r\n`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.write(`${m}\r\n`);
    const r = await c.reply('p1');
    expect(r.text).toMatch(/^\[APPENDUID \d+ 1\] Append completed$/);
    const folder = await (await h.store.openMailbox(USER)).folder('INBOX');
    const snap = await folder.snapshot();
    expect(snap.messages[0]).toMatchObject({ flags: ['\\Seen'], keywords: ['$Work'], internalDate: Date.UTC(2024, 6, 14, 0, 44, 25) });
  });

  it('streams a large literal (LITERAL+) to storage', async () => {
    h = await startHarness();
    const c = await h.login();
    const m = msg('big', 'y'.repeat(200_000));
    c.write(`p1 APPEND INBOX {${m.length}+}\r\n${m}\r\n`);
    expect((await c.reply('p1')).status).toBe('OK');
    const folder = await (await h.store.openMailbox(USER)).folder('INBOX');
    const read = await folder.read(1);
    const chunks: Buffer[] = [];
    for await (const chunk of read.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(m);
  });

  it('MULTIAPPEND stores several messages, buffered and streamed, in one command', async () => {
    h = await startHarness();
    const c = await h.login();
    expect((await c.ok('CAPABILITY')).untagged[0]).toContain(' MULTIAPPEND');
    const [a, b, big] = [msg('one'), msg('two'), msg('three', 'z'.repeat(100_000))];
    c.write(`m1 APPEND INBOX (\\Seen) {${a.length}+}\r\n${a} "14-Jul-2024 02:44:25 +0200" {${b.length}+}\r\n${b} {${big.length}+}\r\n${big}\r\n`);
    const r = await c.reply('m1');
    expect(r.text).toMatch(/^\[APPENDUID \d+ 1:3\] Append completed$/);
    const snap = await (await (await h.store.openMailbox(USER)).folder('INBOX')).snapshot();
    expect(snap.messages.map((m) => [m.uid, m.flags])).toEqual([[1, ['\\Seen']], [2, []], [3, []]]);
    expect(snap.messages[1]?.internalDate).toBe(Date.UTC(2024, 6, 14, 0, 44, 25));
    expect(snap.messages[2]?.size).toBe(big.length);
  });

  it('MULTIAPPEND stores none of the messages when one cannot be stored', async () => {
    const store = new MemoryStore({ quota: () => ({ messages: 2 }) });
    h = await startHarness({ store });
    await store.deliver(USER, 'INBOX', msg('already there'));
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const [a, b] = [msg('one'), msg('two')];
    c.write(`m1 APPEND INBOX {${a.length}+}\r\n${a} {${b.length}+}\r\n${b}\r\n`);
    expect((await c.reply('m1')).text).toMatch(/^\[OVERQUOTA\]/);
    const snap = await (await (await store.openMailbox(USER)).folder('INBOX')).snapshot();
    expect(snap.messages.map((m) => m.uid)).toEqual([1]);
    // The selected session is not told of a message that came and went.
    expect((await c.ok('NOOP')).untagged.filter((l) => /EXISTS|EXPUNGE/.test(l))).toEqual([]);
    c.write(`m2 APPEND INBOX {${a.length}+}\r\n${a} {0+}\r\n\r\n`);
    expect((await c.reply('m2')).status).toBe('NO');
    expect((await (await (await store.openMailbox(USER)).folder('INBOX')).snapshot()).messages).toHaveLength(1);
    await store.close();
  });

  it('refuses messages over APPENDLIMIT and missing mailboxes', async () => {
    h = await startHarness({ imapd: { appendLimit: 1000 } });
    const c = await h.login();
    c.write('p1 APPEND INBOX {5000}\r\n');
    expect(await c.line()).toBe('p1 NO [TOOBIG] Message too large');
    const m = msg('x');
    c.write(`p2 APPEND Nope {${m.length}}\r\n`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.write(`${m}\r\n`);
    expect((await c.reply('p2')).text).toMatch(/^\[TRYCREATE\]/);
    await c.ok('NOOP');
  });
});

describe('expunge and other sessions', () => {
  it('EXPUNGE, UID EXPUNGE and CLOSE remove \\Deleted messages', async () => {
    h = await startHarness();
    for (let i = 1; i <= 4; i++) await h.store.deliver(USER, 'INBOX', msg(`m${i}`));
    const folder = await (await h.store.openMailbox(USER)).folder('INBOX');
    await folder.setFlags([2, 3, 4], 'add', ['\\Deleted']);
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const u = await c.ok('UID EXPUNGE 3');
    expect(u.untagged).toEqual(['* 3 EXPUNGE']);
    const e = await c.ok('EXPUNGE');
    expect(e.untagged).toEqual(['* 3 EXPUNGE', '* 2 EXPUNGE']);
    await c.ok('EXAMINE INBOX');
    expect((await c.cmd('EXPUNGE')).text).toMatch(/^\[READ-ONLY\]/);
    await folder.setFlags([1], 'add', ['\\Deleted']);
    await c.ok('SELECT INBOX');
    await c.ok('CLOSE');
    expect((await folder.status()).exists).toBe(0);
  });

  it('a second session sees new mail, flag changes and expunges at command boundaries', async () => {
    h = await startHarness();
    await h.store.deliver(USER, 'INBOX', msg('one'));
    await h.store.deliver(USER, 'INBOX', msg('two'));
    const a = await h.login();
    const b = await h.login();
    await a.ok('SELECT INBOX');
    await b.ok('SELECT INBOX');
    const m = msg('three');
    await a.ok(`APPEND INBOX {${m.length}+}\r\n${m}`);
    const seen = await b.ok('NOOP');
    expect(seen.untagged).toContain('* 3 EXISTS');
    const folder = await (await h.store.openMailbox(USER)).folder('INBOX');
    await folder.setFlags([1], 'add', ['\\Deleted']);
    expect((await b.ok('NOOP')).untagged).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Deleted))']);
    // a never heard of the flag: EXPUNGE goes by what the mailbox has, not by what a was told.
    expect((await a.ok('EXPUNGE')).untagged).toContain('* 1 EXPUNGE');
    expect((await b.ok('NOOP')).untagged).toEqual(['* 1 EXPUNGE']);
    // Nor does a \Deleted that a saw and another session took back count.
    await a.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await folder.setFlags([2], 'remove', ['\\Deleted']);
    expect((await a.ok('EXPUNGE')).untagged).toEqual(['* 1 FETCH (UID 2 FLAGS (\\Recent))']);
    expect((await folder.status()).exists).toBe(2);
  });

  it('disconnects a session whose selected mailbox another session deleted', async () => {
    h = await startHarness();
    const a = await h.login();
    const b = await h.login();
    await a.ok('CREATE Work');
    await a.ok('SELECT Work');
    await b.ok('DELETE Work');
    a.write('n1 NOOP\r\n');
    expect(await a.line()).toBe('* BYE Selected mailbox was deleted, have to disconnect');
  });

  it('IDLE reports a delivery at once and ends with DONE', async () => {
    h = await startHarness();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    c.write('i1 IDLE\r\n');
    expect(await c.line()).toBe('+ idling');
    await h.store.deliver(USER, 'INBOX', msg('new'));
    expect(await c.line()).toBe('* 1 EXISTS');
    expect(await c.line()).toBe('* 1 RECENT');
    const folder = await (await h.store.openMailbox(USER)).folder('INBOX');
    await folder.setFlags([1], 'add', ['\\Deleted']);
    expect(await c.line()).toBe('* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))');
    await folder.expunge([1]);
    expect(await c.line()).toBe('* 1 EXPUNGE');
    c.write('DONE\r\n');
    expect((await c.reply('i1')).text).toBe('IDLE terminated');
  });

  it('ends an IDLE that outlasts the idle limit with BYE', async () => {
    h = await startHarness({ limits: { idleTimeout: '1s' } });
    const c = await h.login();
    c.write('i1 IDLE\r\n');
    expect(await c.line()).toBe('+ idling');
    expect(await c.line(3000)).toBe('* BYE Disconnected for inactivity');
  });
});
