import { describe, expect, it } from 'vitest';
import { addressKey, normalizeDomain, parseAddress, splitExtension } from './address.js';
import { DirectoryError } from './errors.js';

describe('parseAddress', () => {
  it.each([
    ['alice@example.test', 'alice@example.test'],
    ['Alice.Smith@EXAMPLE.Test', 'Alice.Smith@example.test'],
    ['  bob@example.test ', 'bob@example.test'],
    ["o'neil+tag@example.test", "o'neil+tag@example.test"],
    ['user@example.test.', 'user@example.test'],
    ['jörg@bücher.example', 'jörg@xn--bcher-kva.example'],
    ['root@localhost', 'root@localhost'],
  ])('%s → %s', (input, expected) => {
    expect(parseAddress(input).address).toBe(expected);
  });

  it.each([
    'alice',
    '@example.test',
    'alice@',
    'a..b@example.test',
    '.a@example.test',
    'a.@example.test',
    'a b@example.test',
    'a:b@example.test',
    '"quoted"@example.test',
    'a@-example.test',
    'a@exa_mple.test',
    'a@example..test',
    `${'x'.repeat(65)}@example.test`,
    'a@b@',
  ])('rejects %s', (input) => {
    expect(() => parseAddress(input)).toThrow(DirectoryError);
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['Example.TEST', 'example.test'],
    ['example.test.', 'example.test'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['bad domain', null],
    ['', null],
    [`${'a'.repeat(64)}.test`, null],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});

describe('addressKey', () => {
  it('folds both parts to lowercase', () => {
    expect(addressKey('Alice@Example.TEST')).toBe('alice@example.test');
  });
});

describe('splitExtension', () => {
  it.each([
    ['user+tag', '+', { base: 'user', extension: 'tag' }],
    ['user+a+b', '+', { base: 'user', extension: 'a+b' }],
    ['user-tag', '+-', { base: 'user', extension: 'tag' }],
    ['user+', '+', { base: 'user', extension: '' }],
    ['+user', '+', { base: '+user' }],
    ['user+tag', '', { base: 'user+tag' }],
    ['plain', '+', { base: 'plain' }],
  ])('%s with %j', (local, delimiters, expected) => {
    expect(splitExtension(local, delimiters)).toEqual(expected);
  });
});
