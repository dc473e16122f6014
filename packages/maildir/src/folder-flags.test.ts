// Table tests of STORE applied to Maildir flag letters.
import { describe, expect, it } from 'vitest';
import { applyFlagChange, knownLetters } from './folder-flags.js';

describe('flag letters', () => {
  it('keeps only letters this package manages', () => {
    expect(knownLetters('SaX1F')).toBe('FSa');
  });

  it.each([
    ['S', 'add', 'F', 'b', false, 'FSb'],
    ['FSab', 'remove', 'S', 'a', false, 'Fb'],
    ['FSPab', 'remove', '', 'c', true, 'FSab'],
    ['FSab', 'replace', 'T', '', false, 'T'],
    ['SX', 'replace', 'R', '', false, 'R'],
  ] as const)('%s %s %s/%s → %s', (current, mode, system, keywords, dropPassed, want) => {
    expect(applyFlagChange(current, mode, system, keywords, dropPassed)).toBe(want);
  });
});
