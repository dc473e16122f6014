import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './base64.js';

describe('decodeBase64', () => {
  it.each([
    ['', ''],
    ['AGFsaWNlAHNlY3JldA==', '\0alice\0secret'],
    ['YQ==', 'a'],
    ['YWI=', 'ab'],
    ['YWJj', 'abc'],
  ])('%j', (text, want) => {
    expect(decodeBase64(text)?.toString('latin1')).toBe(want);
  });
  it.each(['YQ', 'YQ=', 'Y', '====', 'YQ==YQ==', 'Y Q==', 'YR==', '*', '=', 'YW-j', 'YW_j'])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});
