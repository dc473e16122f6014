// Tests of the subscriptions file in the format Dovecot writes.
import { readFile, writeFile } from 'node:fs/promises';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSubscriptions, parseSubscriptions, SubscriptionFile, tabEscape, tabUnescape } from './subscriptions.js';

describe('subscriptions file', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('reads what Dovecot 2.3 writes (levels in modified UTF-7, tab separated)', () => {
    expect(parseSubscriptions('V\t2\n\nEntw&APw-rfe\nArchive\t2025\n', '/')).toEqual(['Entwürfe', 'Archive/2025']);
    expect(parseSubscriptions('V\t2\n\nArchive\t2025\n', '.')).toEqual(['Archive.2025']);
  });

  it('reads version 1 files and raw UTF-8 lines', () => {
    expect(parseSubscriptions('Sent\nArchive.2025\nÜber\n', '/')).toEqual(['Sent', 'Archive/2025', 'Über']);
  });

  it('writes the Dovecot format', () => {
    expect(formatSubscriptions(['Entwürfe', 'Archive/2025'], '/')).toBe('V\t2\n\nEntw&APw-rfe\nArchive\t2025\n');
  });

  it('tab-escapes like Dovecot', () => {
    expect(tabEscape('a\tb\x01c\nd\re')).toBe('a\x01tb\x011c\x01nd\x01re');
    expect(tabUnescape(tabEscape('a\tb\x01c\nd\re'))).toBe('a\tb\x01c\nd\re');
  });

  it('adds and removes names through subscriptions.lock', async () => {
    const file = new SubscriptionFile(dir.path, '/');
    expect(await file.update(['Sent', 'Archive/2025'], [])).toBe(true);
    expect(await file.update(['Sent'], [])).toBe(false);
    expect(await file.update([], ['Sent'])).toBe(true);
    expect(await file.list()).toEqual(['Archive/2025']);
    expect(await readFile(file.path, 'utf8')).toBe('V\t2\n\nArchive\t2025\n');
    await writeFile(file.path, 'V\t2\n\nTrash\n');
    expect(await file.list()).toEqual(['Trash']);
  });
});
