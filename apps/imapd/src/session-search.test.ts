// Session tests of SEARCH: flag, size, date, header, body and text keys on decoded content, OR/NOT/groups,
// sequence and UID sets, CHARSET, ESEARCH RETURN options, MODSEQ.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHarness, stopSharedTls, USER, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(stopSharedTls);

const MESSAGES = [
  'From: Ann <ann@example.test>\r\nTo: alice@example.test\r\nSubject: Lunch plans\r\nDate: Mon, 1 Jul 2024 10:00:00 +0000\r\n\r\nShall we meet at noon?\r\n',
  'From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.test>\r\nTo: alice@example.test\r\nCc: bob@example.test\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nDate: Tue, 2 Jul 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n',
  'From: carol@example.test\r\nTo: alice@example.test\r\nSubject: Report\r\nX-Priority: 1\r\nDate: Wed, 3 Jul 2024 10:00:00 +0000\r\n\r\n' + 'data '.repeat(500) + '\r\n',
];

async function setup(): Promise<Harness> {
  const harness = await startHarness();
  for (const [i, m] of MESSAGES.entries()) await harness.store.deliver(USER, 'INBOX', m, { internalDate: Date.UTC(2024, 6, 1 + i, 12) });
  const folder = await (await harness.store.openMailbox(USER)).folder('INBOX');
  await folder.setFlags([1], 'add', ['\\Seen', '\\Flagged']);
  await folder.setFlags([3], 'add', ['$Report']);
  return harness;
}

describe('SEARCH', () => {
  const cases: Array<[string, string]> = [
    ['ALL', '1 2 3'],
    ['SEEN', '1'],
    ['UNSEEN', '2 3'],
    ['FLAGGED NOT SEEN', ''],
    ['OR FLAGGED KEYWORD $Report', '1 3'],
    ['UNKEYWORD $Report', '1 2'],
    ['LARGER 1000', '3'],
    ['SMALLER 1000', '1 2'],
    ['SINCE 2-Jul-2024', '2 3'],
    ['BEFORE 2-Jul-2024', '1'],
    ['ON 3-Jul-2024', '3'],
    ['SENTON 2-Jul-2024', '2'],
    ['SENTBEFORE 3-Jul-2024 SENTSINCE 2-Jul-2024', '2'],
    ['FROM ann', '1'],
    ['FROM "jürgen"', '2'],
    ['SUBJECT "grüße"', '2'],
    ['CC bob', '2'],
    ['TO alice', '1 2 3'],
    ['HEADER X-Priority ""', '3'],
    ['HEADER X-Priority 2', ''],
    ['BODY noon', '1'],
    ['BODY "schöne grüße"', '2'],
    ['TEXT report', '3'],
    ['TEXT lunch', '1'],
    ['2:*', '2 3'],
    ['UID 1,3', '1 3'],
    ['(SEEN) OR UID 2 UID 3', ''],
    ['(SEEN) OR UID 1 UID 3', '1'],
    ['NOT (FROM ann)', '2 3'],
    // Setting flags in setup took messages 1 and 3 out of new/: only 2 is \Recent for the first session.
    ['NEW', '2'],
    ['RECENT', '2'],
    ['OLD', '1 3'],
  ];

  it.each(cases)('%s', async (criteria, expected) => {
    h = await setup();
    const c = await h.login();
    await c.ok('ENABLE UTF8=ACCEPT');
    await c.ok('SELECT INBOX');
    const r = await c.ok(`SEARCH ${criteria}`);
    expect(r.untagged).toEqual([expected ? `* SEARCH ${expected}` : '* SEARCH']);
    c.destroy();
  });

  it('takes CHARSET UTF-8 and refuses unknown charsets', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    expect((await c.ok('SEARCH CHARSET UTF-8 SUBJECT {6+}\r\ngrüße'.replace('{6+}', `{${Buffer.byteLength('grüße')}+}`))).untagged).toEqual(['* SEARCH 2']);
    const bad = await c.cmd('SEARCH CHARSET KOI9 ALL');
    expect(bad.status).toBe('NO');
    expect(bad.text).toMatch(/^\[BADCHARSET/);
  });

  it('answers ESEARCH with RETURN options and UIDs', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const r = await c.cmd('UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN');
    expect(r.untagged).toEqual([`* ESEARCH (TAG "a3") UID MIN 2 MAX 3 COUNT 2 ALL 2:3`]);
    const empty = await c.cmd('SEARCH RETURN () DELETED');
    expect(empty.untagged).toEqual([`* ESEARCH (TAG "a4")`]);
    const count = await c.cmd('SEARCH RETURN (COUNT) ALL');
    expect(count.untagged).toEqual([`* ESEARCH (TAG "a5") COUNT 3`]);
  });

  it('saves a result for "$" (SEARCHRES)', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    expect((await c.ok('UID SEARCH RETURN (SAVE) UNSEEN')).untagged).toEqual([]);
    expect((await c.ok('FETCH $ (UID)')).untagged).toEqual(['* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)']);
    expect((await c.ok('UID SEARCH UID $ FROM carol')).untagged).toEqual(['* SEARCH 3']);
  });

  it('reports MODSEQ for MODSEQ searches', async () => {
    h = await setup();
    const c = await h.login();
    await c.ok('SELECT INBOX');
    const r = await c.ok('SEARCH MODSEQ 1');
    expect(r.untagged[0]).toMatch(/^\* SEARCH 1 2 3 \(MODSEQ \d+\)$/);
  });
});
