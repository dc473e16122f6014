// Table tests of LIST patterns.
import { describe, expect, it } from 'vitest';
import { compilePattern, joinReference } from './pattern.js';

const names = ['INBOX', 'INBOX/Sub', 'Sent', 'Archive', 'Archive/2024', 'Archive/2025/Q1', 'a.b'];

describe('LIST patterns', () => {
  it.each([
    ['*', names],
    ['%', ['INBOX', 'Sent', 'Archive', 'a.b']],
    ['Archive/%', ['Archive/2024']],
    ['Archive/*', ['Archive/2024', 'Archive/2025/Q1']],
    ['inbox', ['INBOX']],
    ['Inbox/%', ['INBOX/Sub']],
    ['*2025*', ['Archive/2025/Q1']],
    ['a.b', ['a.b']],
    ['a?b', []],
    ['S%', ['Sent']],
  ])('%j', (pattern, want) => {
    const match = compilePattern(pattern, '/');
    expect(names.filter(match)).toEqual(want);
  });

  it('uses "." as the separator when configured', () => {
    const match = compilePattern('Archive.%', '.');
    expect(['Archive.2024', 'Archive.2025.Q1'].filter(match)).toEqual(['Archive.2024']);
  });

  it('joins references', () => {
    expect(joinReference('Archive/', '%', '/')).toBe('Archive/%');
    expect(joinReference('Archive/', '/x', '/')).toBe('/x');
    expect(joinReference('', 'x', '/')).toBe('x');
  });
});
