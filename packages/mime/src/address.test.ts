// Table tests for address-list parsing: RFC 5322 forms, groups, comments, routes and the repairs IMAP ENVELOPE shows.
import { describe, expect, it } from 'vitest';
import { mailboxes, parseAddresses, type Address } from './address.js';

const a = (name: string | null, route: string | null, mailbox: string | null, domain: string | null, invalid = false): Address =>
  invalid ? { name, route, mailbox, domain, invalid } : { name, route, mailbox, domain };
const groupEnd = a(null, null, null, null);

describe('parseAddresses', () => {
  const cases: [string, Address[]][] = [
    ['user@example.com', [a(null, null, 'user', 'example.com')]],
    ['Joe Q. Public <john.q.public@example.com>', [a('Joe Q. Public', null, 'john.q.public', 'example.com')]],
    [
      '"Last, First" <first.last@example.com> (comment (nested)), plain@example.com (Plain Name)',
      [a('Last, First', null, 'first.last', 'example.com'), a('Plain Name', null, 'plain', 'example.com')],
    ],
    ['undisclosed-recipients:;', [a(null, null, 'undisclosed-recipients', null), groupEnd]],
    [
      'Team: a@example.com, "Quoted \\"x\\"" <b@example.com>;, c@example.com',
      [
        a(null, null, 'Team', null),
        a(null, null, 'a', 'example.com'),
        a('Quoted "x"', null, 'b', 'example.com'),
        groupEnd,
        a(null, null, 'c', 'example.com'),
      ],
    ],
    ['<@route1,@route2:routed@example.com>', [a(null, '@route1,@route2', 'routed', 'example.com')]],
    ['"odd local"@example.com', [a(null, null, 'odd local', 'example.com')]],
    ['nodomain', [a(null, null, 'nodomain', 'MISSING_DOMAIN', true)]],
    ['Just A Name', [a('Just A Name', null, 'MISSING_MAILBOX', 'MISSING_DOMAIN', true)]],
    ['<>', [a(null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN', true)]],
    ['broken <a@', [a('broken', null, 'a', 'SYNTAX_ERROR', true)]],
    ['trailing@example.com,', [a(null, null, 'trailing', 'example.com')]],
    ['', []],
    ['   ', []],
    [
      'a@b, , c@d',
      [a(null, null, 'a', 'b'), a(null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN', true), a(null, null, 'c', 'd')],
    ],
    ['Name <user@[127.0.0.1]>', [a('Name', null, 'user', '[127.0.0.1]')]],
    ['john . smith @ example . com', [a(null, null, 'john.smith', 'example.com')]],
    ['=?utf-8?q?J=C3=B6rg?= <j@example.de>', [a('=?utf-8?q?J=C3=B6rg?=', null, 'j', 'example.de')]],
    ['Empty Group: ;', [a(null, null, 'Empty Group', null), groupEnd]],
    ['\xc3\xa9mile <e@example.fr>', [a('\xc3\xa9mile', null, 'e', 'example.fr')]],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(parseAddresses(input)).toEqual(expected);
  });

  it('leaves parts empty instead of filling them when asked', () => {
    expect(parseAddresses('nodomain', { fillMissing: false })).toEqual([a(null, null, 'nodomain', '', true)]);
  });

  it('stops at the maximum count', () => {
    expect(parseAddresses('a@b, c@d, e@f', { max: 2 })).toHaveLength(2);
  });
});

describe('mailboxes', () => {
  it('flattens groups, decodes names and drops unusable entries', () => {
    expect(mailboxes('=?utf-8?q?Gr=C3=BCppe?=: x@example.com, Y <y@example.com>;, "Z" <z@example.com>, broken')).toEqual([
      { name: '', address: 'x@example.com', group: 'Grüppe' },
      { name: 'Y', address: 'y@example.com', group: 'Grüppe' },
      { name: 'Z', address: 'z@example.com' },
    ]);
  });

  it('reads raw UTF-8 local parts and domains', () => {
    expect(mailboxes('<j\xc3\xb6rg@b\xc3\xbccher.example>')).toEqual([{ name: '', address: 'jörg@bücher.example' }]);
  });
});
