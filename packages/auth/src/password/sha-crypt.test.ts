// SHA-crypt against the test vectors of Ulrich Drepper's specification.
import { describe, expect, it } from 'vitest';
import { isShaCryptHash, parseShaCryptSetting, shaCrypt, shaCryptHash } from './sha-crypt.js';

const LONG = 'a very much longer text to encrypt.  This one even stretches over morethan one line.';

// [setting, key, expected] from the specification's test suite.
const VECTORS: [string, string, string][] = [
  ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['$5$rounds=10000$saltstringsaltstring', 'Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['$5$rounds=5000$toolongsaltstring', 'This is just a test', '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5'],
  ['$5$rounds=1400$anotherlongsaltstring', LONG, '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1'],
  ['$5$rounds=77777$short', 'we have a short salt string but not a short password', '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/'],
  ['$5$rounds=123456$asaltof16chars..', 'a short string', '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD'],
  ['$5$rounds=10$roundstoolow', 'the minimum number is still observed', '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'],
  ['$6$saltstring', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['$6$rounds=10000$saltstringsaltstring', 'Hello world!', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['$6$rounds=5000$toolongsaltstring', 'This is just a test', '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
  ['$6$rounds=1400$anotherlongsaltstring', LONG, '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1'],
  ['$6$rounds=77777$short', 'we have a short salt string but not a short password', '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0'],
  ['$6$rounds=123456$asaltof16chars..', 'a short string', '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1'],
  ['$6$rounds=10$roundstoolow', 'the minimum number is still observed', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
];

describe('shaCrypt', () => {
  it.each(VECTORS)('%s', (setting, key, expected) => {
    expect(shaCrypt(key, setting)).toBe(expected);
    // The full hash is itself a setting: re-crypting with it reproduces it (that is how verification works).
    expect(shaCrypt(key, expected)).toBe(expected);
    expect(isShaCryptHash(expected)).toBe(true);
  });

  it('reads settings', () => {
    expect(parseShaCryptSetting('$6$rounds=1400$anotherlongsaltstring')).toEqual({ variant: 'sha512', rounds: 1400, roundsExplicit: true, salt: 'anotherlongsalts' });
    expect(parseShaCryptSetting('$5$abc$def')).toEqual({ variant: 'sha256', rounds: 5000, roundsExplicit: false, salt: 'abc' });
    expect(parseShaCryptSetting('$5$rounds=9999999999$x').rounds).toBe(999_999_999);
    expect(() => parseShaCryptSetting('$1$abc')).toThrow();
    expect(() => parseShaCryptSetting('$5$rounds=x$abc')).toThrow();
  });

  it('generates hashes with random salts that verify', () => {
    const a = shaCryptHash('secret', 'sha512');
    const b = shaCryptHash('secret', 'sha512');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(shaCrypt('secret', a)).toBe(a);
    expect(shaCrypt('Secret', a)).not.toBe(a);
    expect(shaCryptHash('x', 'sha256', 6000)).toMatch(/^\$5\$rounds=6000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/);
    expect(() => shaCryptHash('x', 'sha256', 999)).toThrow(/rounds/);
  });

  it('rejects incomplete hashes', () => {
    for (const h of ['$6$salt', '$6$salt$short', '$5$salt$' + 'a'.repeat(86), '$6$salt$' + 'a'.repeat(43), '$7$salt$' + 'a'.repeat(43)]) {
      expect(isShaCryptHash(h)).toBe(false);
    }
  });
});
