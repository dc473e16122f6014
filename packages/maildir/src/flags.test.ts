// Tests of IMAP flags and their Maildir letters.
import { describe, expect, it } from 'vitest';
import { InvalidFlagError } from './errors.js';
import { isValidKeyword, keywordLettersOf, lettersOf, parseFlags, systemFlag, systemFlagsOf } from './flags.js';

describe('flags', () => {
  it('maps system flags to Maildir letters and back', () => {
    expect(lettersOf(['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'])).toBe('DFRST');
    expect(systemFlagsOf('DFPRSTab')).toEqual(['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen']);
    expect(keywordLettersOf('FSab')).toBe('ab');
  });

  it('matches system flags case-insensitively', () => {
    expect(systemFlag('\\SEEN')).toBe('\\Seen');
    expect(systemFlag('\\Recent')).toBeUndefined();
  });

  it('splits flags and keywords, dropping duplicate keywords', () => {
    const set = parseFlags(['\\Seen', 'Work', 'work', '$Label1', '\\flagged']);
    expect([...set.system]).toEqual(['\\Seen', '\\Flagged']);
    expect(set.keywords).toEqual(['Work', '$Label1']);
  });

  it.each(['\\Recent', '\\Bogus', 'a b', 'a(b', 'x]', '', 'a%', 'tab\t'])('refuses %j', (flag) => {
    expect(() => parseFlags([flag])).toThrow(InvalidFlagError);
  });

  it('knows keyword atoms', () => {
    expect(isValidKeyword('$Forwarded')).toBe(true);
    expect(isValidKeyword('Junk')).toBe(true);
    expect(isValidKeyword('é')).toBe(false);
  });
});
