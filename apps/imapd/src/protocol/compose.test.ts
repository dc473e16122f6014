// Composer tables: status responses with every response code, continuations, untagged data, string choice.
import { describe, expect, it } from 'vitest';
import { ComposeError, composeBuffer } from './compose.js';
import type { Response, ResponseCode } from './response-types.js';

const rev1 = { utf8: false };
const rev2 = { utf8: true };
const wire = (response: Response, options = rev1): string => composeBuffer(response, options).toString('utf8');

describe('compose: status responses', () => {
  const codes: [ResponseCode, string][] = [
    ...(
      [
        'ALERT', 'TOOBIG', 'SERVERBUG', 'NONEXISTENT', 'ALREADYEXISTS', 'CANNOT', 'LIMIT', 'OVERQUOTA', 'AUTHENTICATIONFAILED',
        'UNAVAILABLE', 'CLOSED', 'NOPERM', 'INUSE', 'EXPUNGEISSUED', 'CORRUPTION', 'CLIENTBUG', 'TRYCREATE', 'READ-ONLY',
        'READ-WRITE', 'UIDNOTSTICKY', 'NOMODSEQ', 'PARSE', 'HASCHILDREN', 'PRIVACYREQUIRED', 'CONTACTADMIN', 'EXPIRED',
      ] as const
    ).map((code): [ResponseCode, string] => [{ code }, `[${code}]`]),
    [{ code: 'UIDVALIDITY', value: 3857529045 }, '[UIDVALIDITY 3857529045]'],
    [{ code: 'UIDNEXT', value: 4392 }, '[UIDNEXT 4392]'],
    [{ code: 'UNSEEN', value: 12 }, '[UNSEEN 12]'],
    [{ code: 'HIGHESTMODSEQ', value: 715194045007 }, '[HIGHESTMODSEQ 715194045007]'],
    [{ code: 'APPENDUID', uidValidity: 38505, uids: [3955] }, '[APPENDUID 38505 3955]'],
    [{ code: 'APPENDUID', uidValidity: 38505, uids: [3955, 3956, 3957] }, '[APPENDUID 38505 3955:3957]'],
    [{ code: 'COPYUID', uidValidity: 38505, source: [304, 319, 320, 321], destination: [3956, 3957, 3958, 3959] }, '[COPYUID 38505 304,319:321 3956:3959]'],
    [{ code: 'COPYUID', uidValidity: 1, source: [7, 8, 9, 3], destination: [10, 11, 12, 13] }, '[COPYUID 1 7:9,3 10:13]'],
    [{ code: 'PERMANENTFLAGS', flags: ['\\Deleted', '\\Seen', '$Forwarded', '\\*'] }, '[PERMANENTFLAGS (\\Deleted \\Seen $Forwarded \\*)]'],
    [{ code: 'PERMANENTFLAGS', flags: [] }, '[PERMANENTFLAGS ()]'],
    [{ code: 'CAPABILITY', capabilities: ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'AUTH=PLAIN'] }, '[CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ AUTH=PLAIN]'],
    [{ code: 'BADCHARSET', charsets: ['UTF-8', 'US-ASCII'] }, '[BADCHARSET (UTF-8 US-ASCII)]'],
    [{ code: 'MODIFIED', set: [7, 9, 8, 12] }, '[MODIFIED 7:9,12]'],
  ];
  it.each(codes)('%j', (code, text) => {
    expect(wire({ type: 'tagged', tag: 'A1', status: 'NO', code, text: 'Sorry' })).toBe(`A1 NO ${text} Sorry\r\n`);
  });

  it('writes untagged status, greeting and BYE', () => {
    expect(wire({ type: 'untagged', status: 'OK', text: 'IMAP4rev2 server ready' })).toBe('* OK IMAP4rev2 server ready\r\n');
    expect(wire({ type: 'untagged', status: 'BYE', text: '' })).toBe('* BYE Logging out\r\n');
    expect(wire({ type: 'untagged', status: 'PREAUTH', code: { code: 'ALERT' }, text: 'x' })).toBe('* PREAUTH [ALERT] x\r\n');
    expect(wire({ type: 'tagged', tag: 'a', status: 'OK', text: '' })).toBe('a OK Completed\r\n');
  });

  it('keeps response text on one line and ASCII in rev1 mode', () => {
    expect(wire({ type: 'tagged', tag: 'a', status: 'BAD', text: 'line1\r\nline2\0' })).toBe('a BAD line1 line2 \r\n');
    expect(wire({ type: 'tagged', tag: 'a', status: 'OK', text: 'f\u00fcr \ud83d\ude00' })).toBe('a OK f?r ?\r\n');
    expect(wire({ type: 'tagged', tag: 'a', status: 'OK', text: 'f\u00fcr' }, rev2)).toBe('a OK f\u00fcr\r\n');
  });

  it('writes continuations', () => {
    expect(wire({ type: 'continue' })).toBe('+ Ready\r\n');
    expect(wire({ type: 'continue', text: 'idling' })).toBe('+ idling\r\n');
    expect(wire({ type: 'continue', data: Buffer.alloc(0) })).toBe('+ \r\n');
    expect(wire({ type: 'continue', data: Buffer.from('r=abc,s=xyz') })).toBe('+ cj1hYmMscz14eXo=\r\n');
  });

  it('refuses values that would break the protocol', () => {
    expect(() => wire({ type: 'tagged', tag: 'a b', status: 'OK', text: '' })).toThrow(ComposeError);
    expect(() => wire({ type: 'tagged', tag: 'a', status: 'OK', code: { code: 'UIDNEXT', value: -1 }, text: '' })).toThrow(ComposeError);
    expect(() => wire({ type: 'tagged', tag: 'a', status: 'OK', code: { code: 'APPENDUID', uidValidity: 1, uids: [] }, text: '' })).toThrow(ComposeError);
    expect(() => wire({ type: 'tagged', tag: 'a', status: 'OK', code: { code: 'COPYUID', uidValidity: 1, source: [1], destination: [] }, text: '' })).toThrow(
      ComposeError,
    );
    expect(() => wire({ type: 'FLAGS', flags: ['bad flag'] })).toThrow(ComposeError);
    expect(() => wire({ type: 'CAPABILITY', capabilities: ['A\r\nB'] })).toThrow(ComposeError);
  });
});

describe('compose: untagged data', () => {
  const table: [Response, string, { utf8: boolean }?][] = [
    [{ type: 'EXISTS', count: 23 }, '* 23 EXISTS'],
    [{ type: 'RECENT', count: 0 }, '* 0 RECENT'],
    [{ type: 'EXPUNGE', seq: 44 }, '* 44 EXPUNGE'],
    [{ type: 'FLAGS', flags: ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '$Junk'] }, '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Junk)'],
    [{ type: 'ENABLED', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] }, '* ENABLED CONDSTORE UTF8=ACCEPT'],
    [{ type: 'ENABLED', capabilities: [] }, '* ENABLED'],
    [{ type: 'CAPABILITY', capabilities: ['IMAP4rev1', 'IDLE', 'STARTTLS'] }, '* CAPABILITY IMAP4rev1 IDLE STARTTLS'],
    [{ type: 'ID', params: null }, '* ID NIL'],
    [{ type: 'ID', params: [['name', 'mail-suite'], ['support-url', null]] }, '* ID ("name" "mail-suite" "support-url" NIL)'],
    [{ type: 'LIST', attributes: ['\\HasNoChildren'], delimiter: '/', mailbox: 'INBOX' }, '* LIST (\\HasNoChildren) "/" INBOX'],
    [{ type: 'LIST', attributes: ['\\Noselect'], delimiter: null, mailbox: '' }, '* LIST (\\Noselect) NIL ""'],
    [{ type: 'LIST', attributes: [], delimiter: '.', mailbox: 'Sent Items' }, '* LIST () "." "Sent Items"'],
    [{ type: 'LIST', attributes: [], delimiter: '\\', mailbox: 'a' }, '* LIST () "\\\\" a'],
    [{ type: 'LIST', attributes: ['\\Sent'], delimiter: '/', mailbox: 'Entw\u00fcrfe & Co' }, '* LIST (\\Sent) "/" "Entw&APw-rfe &- Co"'],
    [{ type: 'LIST', attributes: ['\\Sent'], delimiter: '/', mailbox: 'Entw\u00fcrfe & Co' }, '* LIST (\\Sent) "/" "Entw\u00fcrfe & Co"', rev2],
    [{ type: 'LIST', attributes: [], delimiter: '/', mailbox: 'nil' }, '* LIST () "/" "nil"'],
    [
      { type: 'LIST', attributes: ['\\NonExistent'], delimiter: '/', mailbox: 'Foo', childInfo: ['SUBSCRIBED'] },
      '* LIST (\\NonExistent) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))',
    ],
    [{ type: 'LIST', attributes: [], delimiter: '/', mailbox: 'New', oldName: 'Old' }, '* LIST () "/" New ("OLDNAME" (Old))'],
    [{ type: 'LSUB', attributes: [], delimiter: '/', mailbox: '#news.comp.mail.misc' }, '* LSUB () "/" #news.comp.mail.misc'],
    [
      { type: 'STATUS', mailbox: 'blurdybloop', items: [{ item: 'MESSAGES', value: 231 }, { item: 'UIDNEXT', value: 44292 }] },
      '* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)',
    ],
    [{ type: 'SEARCH', ids: [2, 3, 6] }, '* SEARCH 2 3 6'],
    [{ type: 'SEARCH', ids: [] }, '* SEARCH'],
    [{ type: 'SEARCH', ids: [2, 5], modseq: 917162500 }, '* SEARCH 2 5 (MODSEQ 917162500)'],
    [{ type: 'ESEARCH', tag: 'A282', uid: false, min: 2, count: 3 }, '* ESEARCH (TAG "A282") MIN 2 COUNT 3'],
    [{ type: 'ESEARCH', tag: 'A283', uid: true, all: [2, 10, 11, 12] }, '* ESEARCH (TAG "A283") UID ALL 2,10:12'],
    [{ type: 'ESEARCH', tag: 'A284', uid: false, count: 0, all: [] }, '* ESEARCH (TAG "A284") COUNT 0'],
    [{ type: 'ESEARCH', uid: true, max: 9, modseq: 5 }, '* ESEARCH UID MAX 9 MODSEQ 5'],
    [{ type: 'NAMESPACE', personal: [{ prefix: '', delimiter: '/' }], other: null, shared: null }, '* NAMESPACE (("" "/")) NIL NIL'],
    [
      { type: 'NAMESPACE', personal: [{ prefix: '', delimiter: '/' }], other: [{ prefix: '~', delimiter: '/' }], shared: [{ prefix: '#shared/', delimiter: '/' }] },
      '* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/"))',
    ],
    [{ type: 'QUOTA', root: '', resources: [{ name: 'STORAGE', usage: 10, limit: 512 }] }, '* QUOTA "" (STORAGE 10 512)'],
    [{ type: 'QUOTAROOT', mailbox: 'INBOX', roots: [''] }, '* QUOTAROOT INBOX ""'],
    [{ type: 'QUOTAROOT', mailbox: 'comp.mail.mime', roots: [] }, '* QUOTAROOT comp.mail.mime'],
    [{ type: 'VANISHED', earlier: true, uids: [300, 301, 302, 405] }, '* VANISHED (EARLIER) 300:302,405'],
    [{ type: 'VANISHED', earlier: false, uids: [5] }, '* VANISHED 5'],
  ];
  it.each(table)('%j', (response, expected, options = rev1) => {
    expect(wire(response, options)).toBe(`${expected}\r\n`);
  });
});

describe('compose: strings', () => {
  const id = (value: string | Uint8Array, options = rev1): string => wire({ type: 'ID', params: [['k', value as string]] }, options).slice(10, -3);
  it.each([
    ['plain', 'abc', '"abc"'],
    ['quotes and backslashes escaped', 'a"b\\c', '"a\\"b\\\\c"'],
    ['empty', '', '""'],
    ['CRLF needs a literal', 'a\r\nb', '{4}\r\na\r\nb'],
    ['8-bit needs a literal in rev1', '\u00fc', '{2}\r\n\u00fc'],
  ])('%s', (_name, value, expected) => {
    expect(id(value)).toBe(expected);
  });

  it('quotes UTF-8 in UTF-8 mode but not invalid UTF-8', () => {
    expect(id('\u00fc', rev2)).toBe('"\u00fc"');
    expect(composeBuffer({ type: 'ID', params: [['k', Buffer.from([0xff]) as unknown as string]] }, rev2).subarray(10, -3)).toEqual(
      Buffer.concat([Buffer.from('{1}\r\n'), Buffer.from([0xff])]),
    );
  });

  it('sends long strings as literals', () => {
    expect(id('x'.repeat(2000))).toBe(`{2000}\r\n${'x'.repeat(2000)}`);
  });
});
