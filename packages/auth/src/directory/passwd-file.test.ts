import { describe, expect, it } from 'vitest';
import { mailboxFromExtra, expandMailboxTemplate } from './mailbox.js';
import {
  formatDovecotSize,
  formatPasswdEntry,
  normalizePasswordField,
  parseDovecotSize,
  parseExtraFields,
  parsePasswdFile,
  quotaFromExtra,
  withEnabled,
  withQuota,
} from './passwd-file.js';
import { physicalLines } from './text-lines.js';

describe('parsePasswdFile', () => {
  it('reads Dovecot passwd-file lines with extra fields', () => {
    const text = [
      '# users',
      '',
      'alice@example.test:{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA:1000:1000::/home/alice::userdb_quota_rule=*:storage=1G userdb_mail=maildir:~/Maildir',
      'bob@example.test:{SHA512-CRYPT}$6$abc$def',
      'carol@example.test:$1$salt$hash:::Carol::/bin/false:nologin=y reason=moved',
      'broken line without colon',
    ].join('\n');
    const { entries, problems } = parsePasswdFile(physicalLines(text), 'users');
    expect(entries).toEqual([
      {
        line: 2,
        user: 'alice@example.test',
        password: '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA',
        uid: '1000',
        gid: '1000',
        gecos: '',
        home: '/home/alice',
        shell: '',
        extra: [
          ['userdb_quota_rule', '*:storage=1G'],
          ['userdb_mail', 'maildir:~/Maildir'],
        ],
      },
      { line: 3, user: 'bob@example.test', password: '{SHA512-CRYPT}$6$abc$def', uid: '', gid: '', gecos: '', home: '', shell: '', extra: [] },
      {
        line: 4,
        user: 'carol@example.test',
        password: '{CRYPT}$1$salt$hash',
        uid: '',
        gid: '',
        gecos: 'Carol',
        home: '',
        shell: '/bin/false',
        extra: [
          ['nologin', 'y'],
          ['reason', 'moved'],
        ],
      },
    ]);
    expect(problems).toEqual([{ file: 'users', line: 6, message: expect.stringContaining('expected user:password') }]);
  });

  it('round-trips an entry', () => {
    const line = 'a@b.test:{PLAIN}x:1:2:g:/h:/s:userdb_quota_rule=*:storage=10M nologin';
    const [entry] = parsePasswdFile([line], 'f').entries;
    expect(formatPasswdEntry(entry!)).toBe(line);
    expect(() => formatPasswdEntry({ ...entry!, gecos: 'a:b' })).toThrow(/cannot contain/);
    expect(() => formatPasswdEntry({ ...entry!, user: '#a@b.test' })).toThrow(/cannot start/);
  });
});

describe('normalizePasswordField', () => {
  it.each([
    ['{PLAIN}x', '{PLAIN}x'],
    ['$6$salt$hash', '{CRYPT}$6$salt$hash'],
    ['abcdefghijklm[13]', '{CRYPT}abcdefghijklm'],
    ['$1$salt$hash[34]', '{MD5-CRYPT}$1$salt$hash'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(normalizePasswordField(input)).toBe(expected);
  });
});

describe('quota extra fields', () => {
  const q = (text: string) => {
    const problems: string[] = [];
    return { quota: quotaFromExtra(parseExtraFields(text), (m) => problems.push(m)), problems };
  };
  it.each([
    ['userdb_quota_rule=*:storage=1G', { bytes: 1024 ** 3 }],
    ['userdb_quota_rule=*:storage=1024', { bytes: 1024 * 1024 }],
    ['userdb_quota_rule=*:bytes=1000', { bytes: 1000 }],
    ['userdb_quota_rule=*:storage=512M:messages=1000', { bytes: 512 * 1024 ** 2, messages: 1000 }],
    ['userdb_quota_rule=*:storage=1G userdb_quota_rule2=Trash:storage=+100M', { bytes: 1024 ** 3 }],
    ['userdb_quota_rule=*:storage=1G userdb_quota_rule2=*:messages=10', { bytes: 1024 ** 3, messages: 10 }],
    ['userdb_quota_rule=*:storage=0', {}],
    ['userdb_quota_storage_size=2G userdb_quota_message_count=50', { bytes: 2 * 1024 ** 3, messages: 50 }],
    ['userdb_quota_rule=*:storage=1GB', { bytes: 1024 ** 3 }],
    ['quota_rule=*:storage=1G', {}],
  ])('%s', (text, expected) => {
    expect(q(text)).toEqual({ quota: expected, problems: [] });
  });

  it('reports limits it cannot read', () => {
    expect(q('userdb_quota_rule=*:storage=lots').problems).toHaveLength(1);
  });

  it('writes the Dovecot 2.3 form and replaces only the account-wide rule', () => {
    const extra = parseExtraFields('userdb_quota_rule=*:storage=1G userdb_quota_rule2=Trash:storage=+100M userdb_mail=maildir:~/M');
    expect(withQuota(extra, { bytes: 2 * 1024 ** 3, messages: 7 })).toEqual([
      ['userdb_quota_rule2', 'Trash:storage=+100M'],
      ['userdb_mail', 'maildir:~/M'],
      ['userdb_quota_rule', '*:storage=2G:messages=7'],
    ]);
    expect(withQuota(extra, { bytes: 1000 })).toContainEqual(['userdb_quota_rule', '*:bytes=1000']);
    expect(withQuota(extra, {}).some(([k]) => k === 'userdb_quota_rule')).toBe(false);
  });

  it.each([
    ['1G', 1024, 1024 ** 3],
    ['10', 1024, 10240],
    ['10', 1, 10],
    ['5k', 1, 5120],
    ['3 MB', 1, 3 * 1024 ** 2],
    ['x', 1, null],
  ])('parseDovecotSize(%s, %d)', (text, unit, expected) => {
    expect(parseDovecotSize(text, unit)).toBe(expected);
  });

  it.each([
    [1024 ** 3, '1G'],
    [1536, '1536B'],
    [1024 * 1536, '1536K'],
    [5 * 1024 ** 4, '5T'],
  ])('formatDovecotSize(%d) → %s', (n, expected) => {
    expect(formatDovecotSize(n)).toBe(expected);
  });
});

describe('enabled state', () => {
  it('uses nologin', () => {
    const extra = parseExtraFields('userdb_mail=maildir:/x');
    const off = withEnabled(extra, false);
    expect(off).toEqual([['userdb_mail', 'maildir:/x'], ['nologin', 'y']]);
    expect(withEnabled([...off, ['reason', 'gone']], true)).toEqual([['userdb_mail', 'maildir:/x']]);
  });
});

describe('mailbox paths', () => {
  const vars = { address: 'Ann@example.test', local: 'Ann', domain: 'example.test', home: '/home/ann/' };
  it.each([
    ['/var/mail/%d/%n/Maildir', '/var/mail/example.test/Ann/Maildir'],
    ['/var/mail/%u', '/var/mail/Ann@example.test'],
    ['/m/%{domain}/%{username}/%%', '/m/example.test/Ann/%'],
    ['/m/%x', '/m/%x'],
  ])('template %s', (template, expected) => {
    expect(expandMailboxTemplate(template, vars)).toBe(expected);
  });

  it.each([
    ['userdb_mail=maildir:~/Maildir', '/home/ann/Maildir'],
    ['userdb_mail=maildir:/srv/%d/%n:LAYOUT=fs', '/srv/example.test/Ann'],
    ['userdb_mail_path=/srv/mail/%u', '/srv/mail/Ann@example.test'],
    ['other=1', null],
  ])('%s', (text, expected) => {
    expect(mailboxFromExtra(parseExtraFields(text), vars)).toBe(expected);
  });

  it.each(['userdb_mail=mbox:~/mail', 'userdb_mail=maildir:relative/path'])('refuses %s', (text) => {
    expect(() => mailboxFromExtra(parseExtraFields(text), vars)).toThrow();
  });
});
