// Tests of LIST over folder names: implied parents, patterns, subscriptions, special use.
import { describe, expect, it } from 'vitest';
import type { SpecialUse } from './api.js';
import { listFolders } from './folder-list.js';

const input = {
  existing: new Set(['INBOX', 'Sent', 'a/b/c', 'a', 'Work']),
  subscribed: new Set(['Sent', 'x/y']),
  specialUse: new Map<string, SpecialUse>([['Sent', '\\Sent'], ['Trash', '\\Trash']]),
  separator: '/' as const,
};

describe('listFolders', () => {
  it('lists existing names with implied parents, children and special use', () => {
    expect(listFolders(input, '', '*').map((f) => [f.name, f.attributes])).toEqual([
      ['INBOX', ['\\HasNoChildren']],
      ['Sent', ['\\HasNoChildren', '\\Subscribed', '\\Sent']],
      ['Work', ['\\HasNoChildren']],
      ['a', ['\\HasChildren']],
      ['a/b', ['\\Noselect', '\\NonExistent', '\\HasChildren']],
      ['a/b/c', ['\\HasNoChildren']],
    ]);
  });

  it('applies the reference and % patterns', () => {
    expect(listFolders(input, 'a/', '%').map((f) => f.name)).toEqual(['a/b']);
    expect(listFolders(input, '', 'inbox').map((f) => f.name)).toEqual(['INBOX']);
    expect(listFolders(input, '', '')).toEqual([]);
  });

  it('lists subscriptions, also of names that do not exist', () => {
    expect(listFolders(input, '', '*', { subscribedOnly: true }).map((f) => [f.name, f.selectable, f.subscribed])).toEqual([
      ['Sent', true, true],
      ['x', false, false],
      ['x/y', false, true],
    ]);
  });
});
