// Property tests: the directory's parsers and the resolver accept any input without throwing, and what the
// passwd-file writer produces reads back unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAliasesFile } from './aliases-file.js';
import { emptySnapshot, freezeAccount } from './base.js';
import { parseDomainsFile } from './domains-file.js';
import { formatPasswdEntry, parsePasswdFile, type ExtraField } from './passwd-file.js';
import { DEFAULT_RESOLVE_OPTIONS, resolveAddress } from './resolve.js';
import { physicalLines } from './text-lines.js';
import { parseVirtualMap } from './virtual-map.js';

const seeds = [
  'postmaster: root\nroot: admin@example.test\n',
  'team: a,\n  b@x.test\n# c\n"q r": :include:/x\n',
  'a@x.test b@y.test, c\n@x.test catch@x.test\nlists.test anything\n',
  'alice@example.test:{PLAIN}x:1:2:g:/h:/s:userdb_quota_rule=*:storage=1G nologin\n',
];
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(...seeds), fc.tuple(fc.constantFrom(...seeds), fc.string({ maxLength: 40 })).map(([a, b]) => a + b));

describe('directory parsers never throw', () => {
  it('on any text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = physicalLines(t);
        parsePasswdFile(lines, 'f');
        parseAliasesFile(lines, 'f');
        parseVirtualMap(lines, 'f');
        parseDomainsFile(lines, 'f');
      }),
      { seed: 20260101, numRuns: 500 },
    );
  });
});

const field = fc.string({ maxLength: 12 }).filter((s) => !/[:\n\r\0]/.test(s));
const word = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/[\s=:\0]/.test(s));

describe('passwd-file entries', () => {
  it('read back what was written', () => {
    fc.assert(
      fc.property(
        word,
        word,
        fc.array(field, { minLength: 5, maxLength: 5 }),
        fc.array(fc.tuple(word, fc.option(fc.string({ maxLength: 10 }).filter((s) => !/[\s\0]/.test(s)), { nil: undefined })), { maxLength: 4 }),
        (user, secret, [uid, gid, gecos, home, shell], extra) => {
          fc.pre(!user.startsWith('#'));
          const entry = { user: `${user}@x.test`, password: `{PLAIN}${secret}`, uid: uid!, gid: gid!, gecos: gecos!, home: home!, shell: shell!, extra: extra as ExtraField[] };
          const [back] = parsePasswdFile([formatPasswdEntry(entry)], 'f').entries;
          expect(back).toEqual({ ...entry, line: 0 });
        },
      ),
      { seed: 20260102, numRuns: 300 },
    );
  });
});

describe('resolveAddress', () => {
  it('terminates without throwing on random alias graphs', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'bob', 'x+y');
    const target = fc.oneof(name, name.map((n) => `${n}@ex.test`), name.map((n) => `${n}@far.test`), fc.constant('@ex.test'));
    fc.assert(
      fc.property(fc.dictionary(name, fc.array(target, { minLength: 1, maxLength: 4 })), fc.dictionary(name, fc.array(target, { minLength: 1, maxLength: 4 })), name, (virtual, aliases, start) => {
        const d = emptySnapshot();
        d.domains.set('ex.test', { name: 'ex.test', kind: 'local', source: 'file' });
        d.accounts.set('bob@ex.test', freezeAccount({ address: 'bob@ex.test', passwordHash: '', mailbox: '/m', quota: {}, enabled: true }));
        for (const [k, v] of Object.entries(virtual)) d.virtual.set(`${k}@ex.test`, v);
        for (const [k, v] of Object.entries(aliases)) d.aliases.set(k, v);
        const r = resolveAddress(d, `${start}@ex.test`, { ...DEFAULT_RESOLVE_OPTIONS, expansionLimit: 200 });
        expect(r.local.length + r.remote.length + r.unknown.length > 0 || r.error !== undefined).toBe(true);
      }),
      { seed: 20260103, numRuns: 300 },
    );
  });
});
