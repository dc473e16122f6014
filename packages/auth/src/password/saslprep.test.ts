// SASLprep against RFC 4013 §3's examples (all but the bidirectional one, which is not checked).
import { describe, expect, it } from 'vitest';
import { saslprep } from './saslprep.js';

describe('saslprep', () => {
  it.each([
    ['I\u00ADX', 'IX'],
    ['user', 'user'],
    ['USER', 'USER'],
    ['\u00AA', 'a'],
    ['\u2168', 'IX'],
    ['a\u00A0b', 'a b'],
    ['a\u200Bb', 'a b'],
    ['pässwörd', 'pässwörd'],
    ['pa\u0308sswo\u0308rd', 'pässwörd'],
  ])('%j → %j', (input, expected) => {
    expect(saslprep(input)).toBe(expected);
  });

  it.each([['\u0007'], ['a\u0000b'], ['\uE000'], ['\uD800x'], ['\u{E0041}'], ['\u200E']])('rejects %j', (input) => {
    expect(saslprep(input)).toBeNull();
  });
});
