// Table tests of Maildir file names: parsing, flag letters, generated base names.
import { describe, expect, it } from 'vitest';
import { baseTimeMs, generateBaseName, maildirHostname, parseMaildirName, sizeField, sortLetters, withFlags } from './filename.js';

describe('parseMaildirName', () => {
  it.each([
    ['1700000000.M1P2Q3.host,S=100,W=104', { base: '1700000000.M1P2Q3.host,S=100,W=104', info: null, letters: '', size: 100, vsize: 104 }],
    ['1700000000.M1P2.host,S=100,W=104:2,FS', { base: '1700000000.M1P2.host,S=100,W=104', info: '2,FS', letters: 'FS', size: 100, vsize: 104 }],
    ['1700000000.M1P2.host:2,', { base: '1700000000.M1P2.host', info: '2,', letters: '' }],
    ['1700000000.M1P2.host:2,Sab,XYZ', { base: '1700000000.M1P2.host', info: '2,Sab,XYZ', letters: 'Sab' }],
    ['1700000000.M1P2.host:1,experimental', { base: '1700000000.M1P2.host', info: '1,experimental', letters: '' }],
    ['1700000000.P2.host,S=12x', { base: '1700000000.P2.host,S=12x', info: null, letters: '' }],
  ])('%s', (name, want) => {
    expect(parseMaildirName(name)).toEqual(want);
  });

  it('reads sizes the way Dovecot does', () => {
    expect(sizeField('a,S=5,W=6', 'S')).toBe(5);
    expect(sizeField('a,S=5,W=6', 'W')).toBe(6);
    expect(sizeField('a,S=,W=6', 'S')).toBeUndefined();
    expect(sizeField('a', 'S')).toBeUndefined();
  });
});

describe('withFlags', () => {
  it.each([
    ['base', 'S', 'base:2,S'],
    ['base:2,S', 'FS', 'base:2,FS'],
    ['base:2,FS', '', 'base:2,'],
    ['base:2,Sa', 'Rb', 'base:2,Rb'],
    ['base:2,SX', 'F', 'base:2,FX'],
    ['base:2,S,extra', 'R', 'base:2,R,extra'],
    ['base:1,whatever', 'S', 'base:2,S'],
  ])('%s with %j → %s (unknown letters and other flag sets kept, sorted)', (name, letters, want) => {
    expect(withFlags(name, letters)).toBe(want);
  });

  it('sorts and de-duplicates letters', () => {
    expect(sortLetters('bSaFSa')).toBe('FSab');
  });
});

describe('generateBaseName', () => {
  it('follows <secs>.M<usecs>P<pid>Q<seq>.<host>,S=,W=', () => {
    const name = generateBaseName({ size: 10, vsize: 12, host: 'mx1.example.test', pid: 42, nowMs: 1_700_000_000_123 });
    expect(name).toMatch(/^1700000000\.M123000P42Q\d+\.mx1\.example\.test,S=10,W=12$/);
    expect(baseTimeMs(name)).toBe(1_700_000_000_123);
  });

  it('never repeats within a process', () => {
    const names = new Set(Array.from({ length: 1000 }, () => generateBaseName({ size: 1, vsize: 1 })));
    expect(names.size).toBe(1000);
  });

  it('leaves sizes out while unknown', () => {
    expect(generateBaseName({ host: 'h', pid: 1, nowMs: 1000 })).toMatch(/^1\.M0P1Q\d+\.h$/);
  });

  it('escapes / : and , in the host name', () => {
    expect(maildirHostname('a/b:c,d')).toBe('a\\057b\\072c\\054d');
  });
});
