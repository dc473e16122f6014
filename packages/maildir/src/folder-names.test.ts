// Table tests of folder name validation and the Maildir++ directory mapping.
import { describe, expect, it } from 'vitest';
import { MailboxNameError } from './errors.js';
import { folderDirName, folderNameFromDir, normalizeFolderName, parentNames } from './folder-names.js';

describe('normalizeFolderName', () => {
  it.each([
    ['INBOX', '/', 'INBOX'],
    ['inbox', '/', 'INBOX'],
    ['Inbox/Sub', '/', 'INBOX/Sub'],
    ['Sent', '/', 'Sent'],
    ['Archive/2025', '/', 'Archive/2025'],
    ['Archive.2025', '.', 'Archive.2025'],
    ['Entwürfe', '/', 'Entwürfe'],
    ['a b', '/', 'a b'],
  ] as const)('%j with %j → %j', (name, sep, want) => {
    expect(normalizeFolderName(name, sep)).toBe(want);
  });

  it.each([
    ['', '/'],
    ['/a', '/'],
    ['a/', '/'],
    ['a//b', '/'],
    ['..', '/'],
    ['a/../b', '/'],
    ['.', '/'],
    ['.hidden', '/'],
    ['a.b', '/'],
    ['a/b', '.'],
    ['~root', '/'],
    ['a\0b', '/'],
    ['a\nb', '/'],
    ['a\x7fb', '/'],
    ['tmp', '/'],
    ['x/new', '/'],
    ['cur', '.'],
    ['DOVECOT-TRASHED', '/'],
    ['x'.repeat(300), '/'],
    ['\ud800', '/'],
  ] as const)('refuses %j with %j', (name, sep) => {
    expect(() => normalizeFolderName(name, sep)).toThrow(MailboxNameError);
  });
});

describe('Maildir++ directory names', () => {
  it.each([
    ['INBOX', '/', ''],
    ['Sent', '/', '.Sent'],
    ['Archive/2025', '/', '.Archive.2025'],
    ['Archive.2025', '.', '.Archive.2025'],
    ['Entwürfe', '/', '.Entw&APw-rfe'],
    ['INBOX/Sub', '/', '.INBOX.Sub'],
  ] as const)('%j (%j) ↔ %j', (name, sep, dir) => {
    expect(folderDirName(name, sep)).toBe(dir);
    if (dir) expect(folderNameFromDir(dir, sep)).toBe(name);
  });

  it.each(['.', '..', 'cur', '.DOVECOT-TRASHED', '..x', '.x.', '.&Jjo', '.INBOX', '.inbox', '.a.tmp'])('%j is not a folder', (entry) => {
    expect(folderNameFromDir(entry, '/')).toBeNull();
  });

  it('lists parents', () => {
    expect(parentNames('a/b/c', '/')).toEqual(['a', 'a/b']);
    expect(parentNames('a', '/')).toEqual([]);
  });
});
