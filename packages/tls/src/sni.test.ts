// Table tests for server-name validation and the SNI lookup order.
import { describe, expect, it } from 'vitest';
import { SniTable, normalizeServerName, normalizeSniPattern } from './sni.js';

describe('normalizeServerName', () => {
  it.each([
    ['mail.example.test', 'mail.example.test'],
    ['MAIL.Example.TEST', 'mail.example.test'],
    ['mail.example.test.', 'mail.example.test'],
    ['localhost', 'localhost'],
    ['xn--bcher-kva.test', 'xn--bcher-kva.test'],
    ['under_score.example.test', 'under_score.example.test'],
    ['', undefined],
    ['.', undefined],
    ['a..b', undefined],
    ['-a.test', undefined],
    ['a-.test', undefined],
    ['127.0.0.1', undefined],
    ['::1', undefined],
    ['*.example.test', undefined],
    ['a b.test', undefined],
    [`${'a'.repeat(64)}.test`, undefined],
    [`${'a.'.repeat(127)}test`, undefined],
  ])('%j → %j', (input, expected) => {
    expect(normalizeServerName(input)).toBe(expected);
  });
});

describe('normalizeSniPattern', () => {
  it.each([
    ['mail.example.test', 'mail.example.test'],
    ['*.Example.Test', '*.example.test'],
    ['*.test', '*.test'],
    ['*', undefined],
    ['*.', undefined],
    ['**.example.test', undefined],
    ['mail*.example.test', undefined],
    ['a.*.example.test', undefined],
    ['*.*.example.test', undefined],
  ])('%j → %j', (input, expected) => {
    expect(normalizeSniPattern(input)).toBe(expected);
  });
});

describe('SniTable.lookup', () => {
  const table = new SniTable<string>();
  table.set('mail.example.test', 'exact');
  table.set('*.example.test', 'wildcard');
  table.set('*.other.test', 'other-wildcard');
  table.set('other.test', 'other-apex');

  it.each([
    ['mail.example.test', 'exact'],
    ['MAIL.EXAMPLE.TEST.', 'exact'],
    ['imap.example.test', 'wildcard'],
    ['example.test', undefined],
    ['a.b.example.test', undefined],
    ['x.other.test', 'other-wildcard'],
    ['other.test', 'other-apex'],
    ['unknown.test', undefined],
    ['127.0.0.1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(table.lookup(input)).toBe(expected);
  });
});
