// Table tests of the mailbox location template.
import { describe, expect, it } from 'vitest';
import { AccountNameError } from './errors.js';
import { expandMailboxPath, parseAccount } from './path-template.js';

describe('expandMailboxPath', () => {
  it.each([
    ['/var/mail/%d/%n/Maildir', 'bob@Example.TEST', '/var/mail/example.test/bob/Maildir'],
    ['/var/mail/%u', 'bob@example.test', '/var/mail/bob@example.test'],
    ['/var/mail/%n', 'bob', '/var/mail/bob'],
    ['/var/mail/100%%/%n/', 'bob@x.test', '/var/mail/100%/bob'],
    ['/var//mail/./%d/%n', 'a.b@x.test', '/var/mail/x.test/a.b'],
  ])('%s for %s → %s', (template, account, want) => {
    expect(expandMailboxPath(template, account)).toBe(want);
  });

  it.each([
    ['/var/mail/%d/%n', 'bob'],
    ['/var/mail/%n', ''],
    ['/var/mail/%n', '../etc@x.test'],
    ['/var/mail/%n', '..@x.test'],
    ['/var/mail/%d/%n', 'bob@..'],
    ['/var/mail/%n', 'a/b@x.test'],
    ['/var/mail/%n', '.hidden@x.test'],
    ['/var/mail/%n', 'a\0b@x.test'],
    ['/var/mail/%n', 'a\nb@x.test'],
    ['/var/mail/%n', '~root@x.test'],
    ['/var/mail/%n', 'a@b@x.test'],
    ['/var/mail/%n', `${'a'.repeat(256)}@x.test`],
    ['var/mail/%n', 'bob@x.test'],
    ['/var/mail/%x', 'bob@x.test'],
    ['/var/mail/%', 'bob@x.test'],
  ])('refuses %s for %j', (template, account) => {
    expect(() => expandMailboxPath(template, account)).toThrow(AccountNameError);
  });

  it('lower-cases the whole address, as Dovecot\'s default %Lu', () => {
    expect(parseAccount('Bob@Example.Test')).toEqual({ address: 'bob@example.test', local: 'bob', domain: 'example.test' });
    expect(expandMailboxPath('/m/%d/%n', 'Bob@Example.Test')).toBe('/m/example.test/bob');
  });
});
