// The behaviour every MailStore must have, run against MaildirStore and MemoryStore.
import { describe, expect, it } from 'vitest';
import type { ChangeRecord, MailStore } from '../src/api.js';
import {
  InvalidFlagError,
  KeywordLimitError,
  MailboxExistsError,
  MailboxNameError,
  MailboxNoSelectError,
  MailboxNotFoundError,
  MailboxOperationError,
  MessageNotFoundError,
  QuotaExceededError,
} from '../src/errors.js';
import type { QuotaLimits } from '../src/quota.js';

export interface StoreFixture {
  store: MailStore;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  quota?: (account: string) => QuotaLimits | undefined;
  separator?: '/' | '.';
}

const ALICE = 'alice@example.test';
const msg = (n: number): string => `From: a@example.test\r\nSubject: test ${n}\r\n\r\nbody ${n}\r\n`;

async function text(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

export function storeContract(name: string, make: (options?: FixtureOptions) => Promise<StoreFixture>): void {
  const withStore = (options: FixtureOptions | undefined, fn: (store: MailStore) => Promise<void>) => async () => {
    const fx = await make(options);
    try {
      await fn(fx.store);
    } finally {
      await fx.store.close();
      await fx.cleanup();
    }
  };

  describe(`${name}: messages`, () => {
    it('delivers with increasing UIDs, sizes and \\Recent for the first session only', withStore(undefined, async (store) => {
      const r1 = await store.deliver(ALICE, 'INBOX', msg(1));
      const r2 = await store.deliver(ALICE, 'INBOX', 'Subject: x\n\nbare LF\n');
      expect(r1).toMatchObject({ status: 'delivered', folder: 'INBOX', uid: 1 });
      expect(r2).toMatchObject({ status: 'delivered', uid: 2 });
      const inbox = await (await store.openMailbox(ALICE)).folder('inbox');
      const s1 = await inbox.snapshot({ takeRecent: true });
      expect(s1.recentUids).toEqual([1, 2]);
      expect(s1.messages.map((m) => [m.uid, m.size, m.vsize, m.flags, m.keywords])).toEqual([
        [1, msg(1).length, msg(1).length, [], []],
        [2, 20, 23, [], []],
      ]);
      expect(s1).toMatchObject({ exists: 2, uidNext: 3, unseen: 2 });
      expect(s1.uidValidity).toBeGreaterThan(0);
      const s2 = await inbox.snapshot({ takeRecent: true });
      expect(s2.recentUids).toEqual([]);
      expect(s2.uidValidity).toBe(s1.uidValidity);
    }));

    it('takes a snapshot only when the status shows a change the caller asks about', withStore(undefined, async (store) => {
      await store.deliver(ALICE, 'INBOX', msg(1));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      const seen: number[] = [];
      const newer = (than: number) => (st: { uidNext: number }): boolean => {
        seen.push(st.uidNext);
        return st.uidNext > than;
      };
      expect(await inbox.snapshotIfChanged(newer(2), { takeRecent: true })).toBeNull();
      await store.deliver(ALICE, 'INBOX', msg(2));
      const snap = await inbox.snapshotIfChanged(newer(2), { takeRecent: true });
      expect(snap).toMatchObject({ exists: 2, uidNext: 3, recentUids: [1, 2] });
      expect(seen).toEqual([2, 3]);
    }));

    it('reads whole messages and ranges', withStore(undefined, async (store) => {
      await store.deliver(ALICE, 'INBOX', msg(1));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      const whole = await inbox.read(1);
      expect(whole.size).toBe(msg(1).length);
      expect(await text(whole.stream)).toBe(msg(1));
      expect(await text((await inbox.read(1, { start: 6, end: 20 })).stream)).toBe(msg(1).slice(6, 20));
      expect(await text((await inbox.read(1, { start: 1000 })).stream)).toBe('');
      await expect(inbox.read(99)).rejects.toThrow(MessageNotFoundError);
    }));

    it('reads a message into a buffer given when it fits, and streams it when it does not', withStore(undefined, async (store) => {
      await store.deliver(ALICE, 'INBOX', msg(1));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      const into = Buffer.alloc(msg(1).length);
      const whole = await inbox.read(1, { into });
      expect(whole.size).toBe(msg(1).length);
      expect(whole.data?.toString()).toBe(msg(1));
      expect(whole.data?.buffer).toBe(into.buffer);
      expect(await text(whole.stream)).toBe(msg(1));
      const part = await inbox.read(1, { start: 6, end: 20, into: Buffer.alloc(14) });
      expect(part.data?.toString()).toBe(msg(1).slice(6, 20));
      expect((await inbox.read(1, { start: 1000, into })).data?.length).toBe(0);
      const tooBig = await inbox.read(1, { into: Buffer.alloc(msg(1).length - 1) });
      expect(tooBig.data).toBeUndefined();
      expect(await text(tooBig.stream)).toBe(msg(1));
      await expect(inbox.read(99, { into })).rejects.toThrow(MessageNotFoundError);
    }));

    it('changes flags and keywords with mod-sequences and UNCHANGEDSINCE', withStore(undefined, async (store) => {
      for (let i = 1; i <= 3; i++) await store.deliver(ALICE, 'INBOX', msg(i));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      const before = await inbox.snapshot();
      const r = await inbox.setFlags([1, 2], 'add', ['\\Seen', 'Work']);
      expect(r.updated.map((u) => [u.uid, u.flags, u.keywords])).toEqual([
        [1, ['\\Seen'], ['Work']],
        [2, ['\\Seen'], ['Work']],
      ]);
      expect(r.updated[0]?.modseq).toBeGreaterThan(before.highestModseq);
      expect(r.change).toMatchObject({ kind: 'flags', folder: 'INBOX', uids: [1, 2] });
      const again = await inbox.setFlags([1], 'add', ['\\Seen', 'work']);
      expect(again.updated).toEqual([]);
      expect(again.change).toBeNull();
      await inbox.setFlags([2], 'remove', ['Work']);
      await inbox.setFlags([3], 'replace', ['\\Flagged', '\\Deleted', '$Forwarded']);
      const snap = await inbox.snapshot();
      expect(snap.messages.map((m) => [m.uid, m.flags, m.keywords])).toEqual([
        [1, ['\\Seen'], ['Work']],
        [2, ['\\Seen'], []],
        [3, ['\\Deleted', '\\Flagged'], ['$Forwarded']],
      ]);
      const m1 = snap.messages[0]?.modseq as number;
      expect(snap.highestModseq).toBeGreaterThanOrEqual(Math.max(...snap.messages.map((m) => m.modseq)));
      const cond = await inbox.setFlags([1, 3], 'add', ['\\Answered'], { unchangedSince: m1 });
      expect(cond.modified).toEqual([3]);
      expect(cond.updated.map((u) => u.uid)).toEqual([1]);
      await expect(inbox.setFlags([1], 'add', ['\\Recent'])).rejects.toThrow(InvalidFlagError);
    }));

    it('allows 26 keywords per folder', withStore(undefined, async (store) => {
      await store.deliver(ALICE, 'INBOX', msg(1));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      await inbox.setFlags([1], 'add', Array.from({ length: 26 }, (_, i) => `kw${i}`));
      await expect(inbox.setFlags([1], 'add', ['kw26'])).rejects.toThrow(KeywordLimitError);
    }));

    it('expunges by UID, optionally only \\Deleted ones', withStore(undefined, async (store) => {
      for (let i = 1; i <= 4; i++) await store.deliver(ALICE, 'INBOX', msg(i));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      await inbox.setFlags([2, 3], 'add', ['\\Deleted']);
      const r = await inbox.expunge([1, 2, 3], { onlyDeleted: true });
      expect(r.expunged).toEqual([2, 3]);
      expect(r.change).toMatchObject({ kind: 'expunge', uids: [2, 3] });
      expect((await inbox.expunge([4, 99])).expunged).toEqual([4]);
      expect((await inbox.expunge([4])).change).toBeNull();
      const snap = await inbox.snapshot();
      expect(snap.messages.map((m) => m.uid)).toEqual([1]);
      expect(snap.uidNext).toBe(5);
    }));

    it('appends with flags and internal date, copies and moves with new UIDs', withStore(undefined, async (store) => {
      const mailbox = await store.openMailbox(ALICE);
      await mailbox.createFolder('Archive');
      const inbox = await mailbox.folder('INBOX');
      const date = Date.UTC(2020, 0, 2, 3, 4, 5);
      const a = await inbox.append(msg(1), { flags: ['\\Seen', 'Important'], internalDate: date });
      const b = await inbox.append(msg(2));
      expect([a.uid, b.uid]).toEqual([1, 2]);
      expect(a.change).toMatchObject({ kind: 'append', uids: [1] });
      const archive = await mailbox.folder('Archive');
      const archiveValidity = (await archive.status()).uidValidity;
      const copy = await inbox.copy([1, 2, 77], 'Archive');
      expect(copy.uidValidity).toBe(archiveValidity);
      expect(copy.mapping).toEqual([[1, 1], [2, 2]]);
      const moved = await inbox.move([2], 'Archive');
      expect(moved.mapping).toEqual([[2, 3]]);
      expect(moved.changes.map((c) => [c.folder, c.kind, c.uids])).toEqual([['Archive', 'append', [3]], ['INBOX', 'expunge', [2]]]);
      const inboxSnap = await inbox.snapshot();
      expect(inboxSnap.messages.map((m) => m.uid)).toEqual([1]);
      expect(inboxSnap.messages[0]?.internalDate).toBe(date);
      const archSnap = await archive.snapshot();
      expect(archSnap.messages.map((m) => [m.uid, m.flags, m.keywords])).toEqual([
        [1, ['\\Seen'], ['Important']],
        [2, [], []],
        [3, [], []],
      ]);
      expect(archSnap.messages[0]?.internalDate).toBe(date);
      expect(await text((await archive.read(3)).stream)).toBe(msg(2));
      await expect(inbox.copy([1], 'Nowhere')).rejects.toThrow(MailboxNotFoundError);
    }));

    it('keeps state for a second reader', withStore(undefined, async (store) => {
      await store.deliver(ALICE, 'INBOX', msg(1));
      const first = await (await store.openMailbox(ALICE)).folder('INBOX');
      await first.setFlags([1], 'add', ['\\Flagged']);
      const second = await (await store.openMailbox(ALICE)).folder('INBOX');
      expect((await second.snapshot()).messages[0]?.flags).toEqual(['\\Flagged']);
    }));
  });

  describe(`${name}: delivery`, () => {
    it('stores a message once per dedupe key', withStore(undefined, async (store) => {
      const first = await store.deliver(ALICE, 'INBOX', msg(1), { dedupeKey: 'q1:alice' });
      const again = await store.deliver(ALICE, 'INBOX', msg(1), { dedupeKey: 'q1:alice' });
      const other = await store.deliver(ALICE, 'INBOX', msg(1), { dedupeKey: 'q2:alice' });
      expect(first.status).toBe('delivered');
      expect(again).toEqual({ status: 'duplicate', folder: 'INBOX', uid: 1 });
      expect(other).toMatchObject({ status: 'delivered', uid: 2 });
    }));

    it('stores concurrent deliveries once per key, with distinct UIDs, in several folders', withStore(undefined, async (store) => {
      const jobs = Array.from({ length: 24 }, (_, i) => ({ key: `q${i}:alice`, folder: i % 4 === 3 ? 'Lists/dev' : 'INBOX', body: i }));
      const all = [...jobs, ...jobs.slice(0, 6)];
      const results = await Promise.all(all.map((j) => store.deliver(ALICE, j.folder, msg(j.body), { dedupeKey: j.key, createFolder: true })));
      const delivered = results.filter((r) => r.status === 'delivered');
      expect(delivered).toHaveLength(24);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(6);
      for (const j of jobs.slice(0, 6)) {
        const pair = results.filter((_, i) => all[i]?.key === j.key);
        const stored = pair.find((r) => r.status === 'delivered');
        expect(pair.find((r) => r.status === 'duplicate')).toEqual({ status: 'duplicate', folder: j.folder, uid: stored?.status === 'delivered' ? stored.uid : -1 });
      }
      const mailbox = await store.openMailbox(ALICE);
      for (const [folder, count] of [['INBOX', 18], ['Lists/dev', 6]] as const) {
        const snap = await (await mailbox.folder(folder)).snapshot();
        expect(snap.messages).toHaveLength(count);
        const uids = delivered.filter((r) => r.status === 'delivered' && r.folder === folder).map((r) => (r.status === 'delivered' ? r.uid : 0));
        expect(new Set(uids).size).toBe(count);
        expect(snap.messages.map((m) => m.uid).sort((a, b) => a - b)).toEqual(uids.sort((a, b) => a - b));
      }
    }));

    it('applies the quota to each of concurrent deliveries', withStore({ quota: () => ({ messages: 3 }) }, async (store) => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store.deliver(ALICE, 'INBOX', msg(i), { dedupeKey: `q${i}:alice` })));
      expect(results.filter((r) => r.status === 'delivered')).toHaveLength(3);
      expect(results.filter((r) => r.status === 'over-quota')).toHaveLength(2);
      const again = await Promise.all(Array.from({ length: 5 }, (_, i) => store.deliver(ALICE, 'INBOX', msg(i), { dedupeKey: `q${i}:alice` })));
      expect(again.map((r) => r.status).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'over-quota', 'over-quota']);
    }));

    it('delivers to INBOX when the folder is missing, or creates it on request', withStore(undefined, async (store) => {
      expect(await store.deliver(ALICE, 'Lists/dev', msg(1))).toMatchObject({ status: 'delivered', folder: 'INBOX' });
      expect(await store.deliver(ALICE, 'bad/../name', msg(1))).toMatchObject({ status: 'delivered', folder: 'INBOX' });
      expect(await store.deliver(ALICE, 'Lists/dev', msg(2), { createFolder: true, flags: ['\\Seen'] })).toMatchObject({ status: 'delivered', folder: 'Lists/dev', uid: 1 });
      const snap = await (await (await store.openMailbox(ALICE)).folder('Lists/dev')).snapshot();
      expect(snap.messages[0]?.flags).toEqual(['\\Seen']);
    }));

    it('reports over quota to the mda and refuses APPEND and COPY', withStore({ quota: () => ({ storage: 200, messages: 3 }) }, async (store) => {
      expect(await store.deliver(ALICE, 'INBOX', 'x'.repeat(150))).toMatchObject({ status: 'delivered' });
      const over = await store.deliver(ALICE, 'INBOX', 'y'.repeat(100));
      expect(over).toMatchObject({ status: 'over-quota', resource: 'storage', usage: { storage: 150, messages: 1, limits: { storage: 200, messages: 3 } } });
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      await expect(inbox.append('z'.repeat(60))).rejects.toThrow(QuotaExceededError);
      await expect(inbox.copy([1], 'INBOX')).rejects.toThrow(QuotaExceededError);
      await inbox.append('small');
      expect(await store.quota(ALICE)).toMatchObject({ storage: 155, messages: 2 });
      await inbox.expunge([1]);
      expect(await store.quota(ALICE)).toMatchObject({ storage: 5, messages: 1 });
    }));

    it('publishes change records to subscribers of the account', withStore(undefined, async (store) => {
      const seen: ChangeRecord[] = [];
      const stop = store.subscribe(ALICE, (c) => {
        if (c.kind !== 'sync') seen.push(c);
      });
      await store.deliver(ALICE, 'INBOX', msg(1));
      const inbox = await (await store.openMailbox(ALICE)).folder('INBOX');
      await inbox.setFlags([1], 'add', ['\\Seen']);
      await inbox.expunge([1]);
      stop();
      await store.deliver(ALICE, 'INBOX', msg(2));
      expect(seen.map((c) => [c.account, c.folder, c.kind, c.uids])).toEqual([
        [ALICE, 'INBOX', 'append', [1]],
        [ALICE, 'INBOX', 'flags', [1]],
        [ALICE, 'INBOX', 'expunge', [1]],
      ]);
      expect(seen[1]?.flags?.[0]).toMatchObject({ uid: 1, flags: ['\\Seen'] });
    }));
  });

  describe(`${name}: folders`, () => {
    it('creates, lists with patterns, and shows implied parents as \\Noselect', withStore(undefined, async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Archive/2025');
      await mb.createFolder('Work/');
      await expect(mb.createFolder('Work')).rejects.toThrow(MailboxExistsError);
      await expect(mb.createFolder('inbox')).rejects.toThrow(MailboxExistsError);
      await expect(mb.createFolder('a/../b')).rejects.toThrow(MailboxNameError);
      const all = await mb.listFolders('', '*');
      expect(all.map((f) => [f.name, f.attributes])).toEqual([
        ['INBOX', ['\\HasNoChildren']],
        ['Archive', ['\\Noselect', '\\NonExistent', '\\HasChildren']],
        ['Archive/2025', ['\\HasNoChildren']],
        ['Work', ['\\HasNoChildren']],
      ]);
      expect((await mb.listFolders('', '%')).map((f) => f.name)).toEqual(['INBOX', 'Archive', 'Work']);
      expect((await mb.listFolders('Archive/', '%')).map((f) => f.name)).toEqual(['Archive/2025']);
      await expect(mb.folder('Archive')).rejects.toThrow(MailboxNoSelectError);
      await expect(mb.folder('Nope')).rejects.toThrow(MailboxNotFoundError);
    }));

    it('deletes a folder but keeps its children; refuses INBOX and \\Noselect names', withStore(undefined, async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('A');
      await mb.createFolder('A/B');
      await store.deliver(ALICE, 'A', msg(1));
      const del = await mb.deleteFolder('A');
      expect(del).toMatchObject({ kind: 'delete', folder: 'A' });
      expect((await mb.listFolders('', '*')).map((f) => [f.name, f.selectable])).toEqual([['INBOX', true], ['A', false], ['A/B', true]]);
      await expect(mb.deleteFolder('A')).rejects.toThrow(MailboxNoSelectError);
      await expect(mb.deleteFolder('INBOX')).rejects.toThrow(MailboxOperationError);
      await expect(mb.deleteFolder('Missing')).rejects.toThrow(MailboxNotFoundError);
      await mb.createFolder('A');
      const status = await (await mb.folder('A')).status();
      expect(status.exists).toBe(0);
    }));

    it('renames with children and gives a recreated name a new UIDVALIDITY', withStore(undefined, async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Old');
      await mb.createFolder('Old/Child');
      await store.deliver(ALICE, 'Old/Child', msg(1));
      const validity = (await (await mb.folder('Old/Child')).status()).uidValidity;
      const changes = await mb.renameFolder('Old', 'New');
      expect(changes.map((c) => [c.folder, c.newName])).toEqual([['Old', 'New'], ['Old/Child', 'New/Child']]);
      expect((await mb.listFolders('', '*')).map((f) => f.name)).toEqual(['INBOX', 'New', 'New/Child']);
      const child = await (await mb.folder('New/Child')).snapshot();
      expect([child.uidValidity, child.messages.map((m) => m.uid)]).toEqual([validity, [1]]);
      await mb.createFolder('Old');
      await mb.createFolder('Old/Child');
      expect((await (await mb.folder('Old/Child')).status()).uidValidity).not.toBe(validity);
      await expect(mb.renameFolder('New', 'Old')).rejects.toThrow(MailboxExistsError);
      await expect(mb.renameFolder('Ghost', 'Spirit')).rejects.toThrow(MailboxNotFoundError);
      await expect(mb.renameFolder('New', 'New/Deeper')).rejects.toThrow(MailboxOperationError);
    }));

    it('renames INBOX by moving its messages into a new folder', withStore(undefined, async (store) => {
      await store.deliver(ALICE, 'INBOX', msg(1));
      await store.deliver(ALICE, 'INBOX', msg(2));
      const mb = await store.openMailbox(ALICE);
      await (await mb.folder('INBOX')).setFlags([2], 'add', ['\\Seen', 'Keep']);
      const inboxValidity = (await (await mb.folder('INBOX')).status()).uidValidity;
      await mb.renameFolder('INBOX', 'Old Mail');
      const inbox = await (await mb.folder('INBOX')).snapshot();
      expect([inbox.exists, inbox.uidValidity, inbox.uidNext]).toEqual([0, inboxValidity, 3]);
      const old = await (await mb.folder('Old Mail')).snapshot();
      expect(old.messages.map((m) => [m.flags, m.keywords])).toEqual([[[], []], [['\\Seen'], ['Keep']]]);
      expect((await store.deliver(ALICE, 'INBOX', msg(3))).status).toBe('delivered');
    }));

    it('keeps subscriptions, including names that do not exist', withStore(undefined, async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Lists');
      await mb.subscribe('Lists');
      await mb.subscribe('Gone/Away');
      expect((await mb.listFolders('', '*', { subscribedOnly: true })).map((f) => [f.name, f.attributes])).toEqual([
        ['Gone', ['\\Noselect', '\\NonExistent', '\\HasNoChildren']],
        ['Gone/Away', ['\\Noselect', '\\NonExistent', '\\HasNoChildren', '\\Subscribed']],
        ['Lists', ['\\HasNoChildren', '\\Subscribed']],
      ]);
      await mb.unsubscribe('Gone/Away');
      expect((await mb.listFolders('', '*')).find((f) => f.name === 'Lists')?.subscribed).toBe(true);
      expect((await mb.listFolders('', '*', { subscribedOnly: true })).map((f) => f.name)).toEqual(['Lists']);
    }));

    it('creates special-use folders on first use with their attribute', withStore(undefined, async (store) => {
      const mb = await store.openMailbox(ALICE);
      expect(await mb.specialUseFolder('\\Sent')).toBe('Sent');
      expect(await mb.specialUseFolder('\\Sent')).toBe('Sent');
      const sent = (await mb.listFolders('', 'Sent'))[0];
      expect(sent).toMatchObject({ name: 'Sent', specialUse: '\\Sent', subscribed: true });
      expect(sent?.attributes).toContain('\\Sent');
    }));

    it('uses "." as the separator when configured', withStore({ separator: '.' }, async (store) => {
      const mb = await store.openMailbox(ALICE);
      await mb.createFolder('Archive.2025');
      await expect(mb.createFolder('a/b')).rejects.toThrow(MailboxNameError);
      expect((await mb.listFolders('', '*')).map((f) => f.name)).toEqual(['INBOX', 'Archive', 'Archive.2025']);
      expect((await store.deliver(ALICE, 'Archive.2025', msg(1))).status).toBe('delivered');
    }));
  });
}
