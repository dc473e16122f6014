// Parser tables: command line → typed command, for every command outside SEARCH and FETCH.
import { describe, expect, it } from 'vitest';
import { parseSequenceSet } from '../sequence.js';
import { parseLine } from '../test-support.js';

const seq = parseSequenceSet;
const noSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
const noReturn = { subscribed: false, children: false, specialUse: false, status: null };

describe('parser: commands of any state and authentication', () => {
  const table: [string, unknown][] = [
    ['a CAPABILITY', { tag: 'a', name: 'CAPABILITY' }],
    ['a1 noop', { tag: 'a1', name: 'NOOP' }],
    ['1.2 LOGOUT', { tag: '1.2', name: 'LOGOUT' }],
    ['A] STARTTLS', { tag: 'A]', name: 'STARTTLS' }],
    ['x IDLE', { tag: 'x', name: 'IDLE' }],
    ['x Namespace', { tag: 'x', name: 'NAMESPACE' }],
    ['x CHECK', { tag: 'x', name: 'CHECK' }],
    ['x CLOSE', { tag: 'x', name: 'CLOSE' }],
    ['x UNSELECT', { tag: 'x', name: 'UNSELECT' }],
    ['a LOGIN user secret', { tag: 'a', name: 'LOGIN', username: 'user', password: 'secret' }],
    ['a LOGIN "us er" "p\\"w\\\\d"', { tag: 'a', name: 'LOGIN', username: 'us er', password: 'p"w\\d' }],
    ['a LOGIN {4}\r\nuser {6+}\r\np w\r\nd', { tag: 'a', name: 'LOGIN', username: 'user', password: 'p w\r\nd' }],
    ['a LOGIN ] ]]', { tag: 'a', name: 'LOGIN', username: ']', password: ']]' }],
    ['a LOGIN "" ""', { tag: 'a', name: 'LOGIN', username: '', password: '' }],
    ['a LOGIN {7}\r\nj\u00f6rg@x s', { tag: 'a', name: 'LOGIN', username: 'j\u00f6rg@x', password: 's' }],
    ['a AUTHENTICATE PLAIN', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: null }],
    ['a authenticate scram-sha-256', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'SCRAM-SHA-256', initialResponse: null }],
    ['a AUTHENTICATE PLAIN AHVzZXIAcGFzcw==', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: Buffer.from('\0user\0pass') }],
    ['a AUTHENTICATE EXTERNAL =', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'EXTERNAL', initialResponse: Buffer.alloc(0) }],
    ['a ENABLE CONDSTORE', { tag: 'a', name: 'ENABLE', capabilities: ['CONDSTORE'] }],
    ['a ENABLE utf8=accept IMAP4rev2 QRESYNC', { tag: 'a', name: 'ENABLE', capabilities: ['UTF8=ACCEPT', 'IMAP4REV2', 'QRESYNC'] }],
    ['a ID NIL', { tag: 'a', name: 'ID', params: null }],
    ['a ID ()', { tag: 'a', name: 'ID', params: [] }],
    ['a ID ("name" "mutt" "version" NIL)', { tag: 'a', name: 'ID', params: [['name', 'mutt'], ['version', null]] }],
  ];
  it.each(table)('%s', (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });
});

describe('parser: mailbox commands', () => {
  const table: [string, unknown][] = [
    ['a SELECT INBOX', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
    ['a select inbox', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
    ['a EXAMINE "Sent Items"', { tag: 'a', name: 'EXAMINE', mailbox: 'Sent Items', condstore: false, qresync: null }],
    ['a SELECT INBOX (CONDSTORE)', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: true, qresync: null }],
    [
      'a SELECT INBOX (QRESYNC (67890007 715194045000 41,43:211,214:541))',
      {
        tag: 'a',
        name: 'SELECT',
        mailbox: 'INBOX',
        condstore: false,
        qresync: { uidValidity: 67890007, modseq: 715194045000, knownUids: seq('41,43:211,214:541'), seqMatch: null },
      },
    ],
    [
      'a EXAMINE INBOX (QRESYNC (67890007 60115194045000 41:211,214:541 (1:3 41:43)))',
      {
        tag: 'a',
        name: 'EXAMINE',
        mailbox: 'INBOX',
        condstore: false,
        qresync: { uidValidity: 67890007, modseq: 60115194045000, knownUids: seq('41:211,214:541'), seqMatch: { seqs: seq('1:3'), uids: seq('41:43') } },
      },
    ],
    ['a SELECT INBOX (QRESYNC (1 2))', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 1, modseq: 2, knownUids: null, seqMatch: null } }],
    ['a SELECT "Entw&APw-rfe"', { tag: 'a', name: 'SELECT', mailbox: 'Entw\u00fcrfe', condstore: false, qresync: null }],
    ['a CREATE Archive/2024', { tag: 'a', name: 'CREATE', mailbox: 'Archive/2024', specialUse: [] }],
    ['a CREATE MySent (USE (\\Sent))', { tag: 'a', name: 'CREATE', mailbox: 'MySent', specialUse: ['\\Sent'] }],
    ['a CREATE Bin (USE (\\trash \\Junk \\X-Custom))', { tag: 'a', name: 'CREATE', mailbox: 'Bin', specialUse: ['\\Trash', '\\Junk', '\\X-Custom'] }],
    ['a CREATE Foo (USE ())', { tag: 'a', name: 'CREATE', mailbox: 'Foo', specialUse: [] }],
    ['a DELETE "a b"', { tag: 'a', name: 'DELETE', mailbox: 'a b' }],
    ['a RENAME old new', { tag: 'a', name: 'RENAME', from: 'old', to: 'new' }],
    ['a RENAME inbox Old-Inbox', { tag: 'a', name: 'RENAME', from: 'INBOX', to: 'Old-Inbox' }],
    ['a SUBSCRIBE "&ZeVnLIqe-"', { tag: 'a', name: 'SUBSCRIBE', mailbox: '\u65e5\u672c\u8a9e' }],
    ['a UNSUBSCRIBE {5}\r\nSpam!', { tag: 'a', name: 'UNSUBSCRIBE', mailbox: 'Spam!' }],
    [
      'a STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT)',
      {
        tag: 'a',
        name: 'STATUS',
        mailbox: 'INBOX',
        items: ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT'],
      },
    ],
    ['a status Drafts (unseen unseen messages)', { tag: 'a', name: 'STATUS', mailbox: 'Drafts', items: ['UNSEEN', 'MESSAGES'] }],
    ['a LSUB "" *', { tag: 'a', name: 'LSUB', reference: '', pattern: '*' }],
    ['a LSUB "#news." "comp.mail.%"', { tag: 'a', name: 'LSUB', reference: '#news.', pattern: 'comp.mail.%' }],
    ['a GETQUOTA ""', { tag: 'a', name: 'GETQUOTA', root: '' }],
    ['a GETQUOTAROOT INBOX', { tag: 'a', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
    ['a SETQUOTA "" (STORAGE 512 MESSAGE 1000)', { tag: 'a', name: 'SETQUOTA', root: '', limits: [{ resource: 'STORAGE', limit: 512 }, { resource: 'MESSAGE', limit: 1000 }] }],
    ['a SETQUOTA x ()', { tag: 'a', name: 'SETQUOTA', root: 'x', limits: [] }],
  ];
  it.each(table)('%s', (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });

  it('normalises INBOX children with the delimiter', () => {
    expect(parseLine('a SELECT inbox/Sub', { utf8: false, delimiter: '/' })).toMatchObject({ mailbox: 'INBOX/Sub' });
    expect(parseLine('a SELECT inboxes', { utf8: false, delimiter: '/' })).toMatchObject({ mailbox: 'inboxes' });
  });

  it('reads UTF-8 names after UTF8=ACCEPT, where "&" is an ordinary character', () => {
    expect(parseLine('a SELECT "Entw\u00fcrfe & Co"', { utf8: true })).toMatchObject({ mailbox: 'Entw\u00fcrfe & Co' });
    expect(parseLine('a SELECT "Entw&APw-rfe"', { utf8: true })).toMatchObject({ mailbox: 'Entw&APw-rfe' });
  });
});

describe('parser: LIST', () => {
  const table: [string, unknown][] = [
    ['a LIST "" ""', { reference: '', patterns: [''], selection: noSelection, returns: noReturn, extended: false }],
    ['a LIST "" *', { reference: '', patterns: ['*'], selection: noSelection, returns: noReturn, extended: false }],
    ['a list "" "%"', { reference: '', patterns: ['%'], selection: noSelection, returns: noReturn, extended: false }],
    ['a LIST ~/Mail/ %/]x', { reference: '~/Mail/', patterns: ['%/]x'], selection: noSelection, returns: noReturn, extended: false }],
    ['a LIST "" inbox', { reference: '', patterns: ['inbox'], selection: noSelection, returns: noReturn, extended: false }],
    [
      'a LIST (SUBSCRIBED) "" "*"',
      { reference: '', patterns: ['*'], selection: { ...noSelection, subscribed: true }, returns: noReturn, extended: true },
    ],
    [
      'a LIST (SUBSCRIBED RECURSIVEMATCH REMOTE) "" "%"',
      { reference: '', patterns: ['%'], selection: { subscribed: true, remote: true, recursiveMatch: true, specialUse: false }, returns: noReturn, extended: true },
    ],
    ['a LIST () "" %', { reference: '', patterns: ['%'], selection: noSelection, returns: noReturn, extended: true }],
    [
      'a LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE)',
      { reference: '', patterns: ['*'], selection: { ...noSelection, specialUse: true }, returns: { ...noReturn, specialUse: true }, extended: true },
    ],
    [
      'a LIST "" ("INBOX" "Drafts" "Sent/%")',
      { reference: '', patterns: ['INBOX', 'Drafts', 'Sent/%'], selection: noSelection, returns: noReturn, extended: true },
    ],
    [
      'a LIST "" % RETURN (CHILDREN SUBSCRIBED STATUS (MESSAGES UNSEEN))',
      { reference: '', patterns: ['%'], selection: noSelection, returns: { subscribed: true, children: true, specialUse: false, status: ['MESSAGES', 'UNSEEN'] }, extended: true },
    ],
    ['a LIST "" % RETURN ()', { reference: '', patterns: ['%'], selection: noSelection, returns: noReturn, extended: true }],
  ];
  it.each(table)('%s', (line, expected) => {
    expect(parseLine(line)).toEqual({ tag: 'a', name: 'LIST', ...(expected as object) });
  });
});

describe('parser: APPEND', () => {
  const msg = 'Subject: x\r\n\r\nhi\r\n';
  const buffer = (text: string) => ({ kind: 'buffer', data: Buffer.from(text) });

  it.each([
    [`a APPEND INBOX {${msg.length}}\r\n${msg}`, [{ flags: [], date: null, content: buffer(msg), binary: false, utf8: false }]],
    [
      `a APPEND Drafts (\\Seen \\draft $Label1) "05-Jan-2024 13:14:15 +0100" {${msg.length}+}\r\n${msg}`,
      [{ flags: ['\\Seen', '\\Draft', '$Label1'], date: new Date('2024-01-05T12:14:15Z'), content: buffer(msg), binary: false, utf8: false }],
    ],
    [`a APPEND INBOX " 5-Jan-2024 13:14:15 -0000" {2}\r\nab`, [{ flags: [], date: new Date('2024-01-05T13:14:15Z'), content: buffer('ab'), binary: false, utf8: false }]],
    ['a APPEND INBOX () ~{3}\r\na\0b', [{ flags: [], date: null, content: buffer('a\0b'), binary: true, utf8: false }]],
    ['a APPEND INBOX UTF8 (~{2}\r\n\u00e4)', [{ flags: [], date: null, content: buffer('\u00e4'), binary: true, utf8: true }]],
    [
      'a APPEND INBOX (\\Seen) {1}\r\nA {1}\r\nB "01-Feb-2020 00:00:00 +0000" {1}\r\nC',
      [
        { flags: ['\\Seen'], date: null, content: buffer('A'), binary: false, utf8: false },
        { flags: [], date: null, content: buffer('B'), binary: false, utf8: false },
        { flags: [], date: new Date('2020-02-01T00:00:00Z'), content: buffer('C'), binary: false, utf8: false },
      ],
    ],
  ])('%j', (line, messages) => {
    expect(parseLine(line)).toEqual({ tag: 'a', name: 'APPEND', mailbox: line.includes('Drafts') ? 'Drafts' : 'INBOX', messages });
  });
});

describe('parser: STORE, COPY, MOVE, EXPUNGE', () => {
  const table: [string, unknown][] = [
    ['a STORE 1 FLAGS (\\Seen)', { name: 'STORE', uid: false, set: seq('1'), operation: 'replace', silent: false, flags: ['\\Seen'], unchangedSince: null }],
    ['a STORE 2:4 +FLAGS (\\Deleted)', { name: 'STORE', uid: false, set: seq('2:4'), operation: 'add', silent: false, flags: ['\\Deleted'], unchangedSince: null }],
    ['a UID STORE 7 -FLAGS.SILENT (\\Seen $Junk)', { name: 'STORE', uid: true, set: seq('7'), operation: 'remove', silent: true, flags: ['\\Seen', '$Junk'], unchangedSince: null }],
    ['a STORE 1 +flags.silent \\Flagged \\answered', { name: 'STORE', uid: false, set: seq('1'), operation: 'add', silent: true, flags: ['\\Flagged', '\\Answered'], unchangedSince: null }],
    ['a STORE 1:* FLAGS ()', { name: 'STORE', uid: false, set: seq('1:*'), operation: 'replace', silent: false, flags: [], unchangedSince: null }],
    [
      'a UID STORE 5 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT ($NotJunk)',
      { name: 'STORE', uid: true, set: seq('5'), operation: 'add', silent: true, flags: ['$NotJunk'], unchangedSince: 320162338 },
    ],
    ['a COPY 2:4 MEETING', { name: 'COPY', uid: false, set: seq('2:4'), mailbox: 'MEETING' }],
    ['a UID COPY 4827313:4828442 "Sent Items"', { name: 'COPY', uid: true, set: seq('4827313:4828442'), mailbox: 'Sent Items' }],
    ['a UID MOVE 42:69 foo', { name: 'MOVE', uid: true, set: seq('42:69'), mailbox: 'foo' }],
    ['a MOVE $ Trash', { name: 'MOVE', uid: false, set: seq('$'), mailbox: 'Trash' }],
    ['a EXPUNGE', { name: 'EXPUNGE', uid: false, set: null }],
    ['a UID EXPUNGE 3000:3002', { name: 'EXPUNGE', uid: true, set: seq('3000:3002') }],
  ];
  it.each(table)('%s', (line, expected) => {
    expect(parseLine(line)).toEqual({ tag: 'a', ...(expected as object) });
  });
});
