import { describe, expect, it } from 'vitest';
import { parseAliasesFile, parseIncludeFile, splitTargets } from './aliases-file.js';
import { parseDomainsFile } from './domains-file.js';
import { logicalLines, physicalLines } from './text-lines.js';
import { parseVirtualMap } from './virtual-map.js';

const lines = (text: string) => physicalLines(text);

describe('logicalLines', () => {
  it('joins continuation lines and skips comments', () => {
    expect(logicalLines(lines('a: b,\n  c\n# note\n\n   # indented comment\n  d\ne: f\r\n'), true)).toEqual([
      { text: 'a: b, c d', start: 0, end: 6 },
      { text: 'e: f', start: 6, end: 7 },
    ]);
  });
});

describe('aliases(5)', () => {
  it.each([
    ['postmaster: root', [{ name: 'postmaster', targets: ['root'], line: 0 }]],
    ['Root: admin@example.test', [{ name: 'root', targets: ['admin@example.test'], line: 0 }]],
    ['team: a, b@example.test ,c', [{ name: 'team', targets: ['a', 'b@example.test', 'c'], line: 0 }]],
    ['team: a,\n\tb,\n c', [{ name: 'team', targets: ['a', 'b', 'c'], line: 0 }]],
    ['"odd name": a', [{ name: 'odd name', targets: ['a'], line: 0 }]],
    ['list: :include:/etc/mail/list', [{ name: 'list', targets: [':include:/etc/mail/list'], line: 0 }]],
    ['q: "a, b"@x.test, c', [{ name: 'q', targets: ['"a, b"@x.test', 'c'], line: 0 }]],
  ])('%j', (text, expected) => {
    expect(parseAliasesFile(lines(text), 'aliases')).toEqual({ entries: expected, problems: [] });
  });

  it('skips files and commands, reports malformed and duplicate lines', () => {
    const { entries, problems } = parseAliasesFile(lines('a: |/usr/bin/vacation, b\nc: /var/log/mail\nno colon here\na: other\n'), 'aliases');
    expect(entries).toEqual([{ name: 'a', targets: ['b'], line: 0 }]);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 2, 3, 4]);
  });

  it('splits include files and target lists', () => {
    expect(parseIncludeFile(lines('# members\na@x.test, b@x.test\nc@x.test\n'))).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(splitTargets(' a , ,b ')).toEqual(['a', 'b']);
  });
});

describe('virtual(5)', () => {
  it('reads addresses, catch-alls, domain declarations, comments and continuations', () => {
    const map = parseVirtualMap(
      lines(['# virtual', 'Sales@Example.TEST  a@example.test, b@remote.example', '  c@example.test', '@example.test catch@example.test', 'lists.example anything', 'x@example.test a b,c'].join('\n')),
      'virtual',
    );
    expect(map).toEqual({
      entries: [
        { key: 'sales@example.test', pattern: 'Sales@Example.TEST', targets: ['a@example.test', 'b@remote.example', 'c@example.test'], start: 1, end: 3 },
        { key: '@example.test', pattern: '@example.test', targets: ['catch@example.test'], start: 3, end: 4 },
        { key: 'x@example.test', pattern: 'x@example.test', targets: ['a', 'b', 'c'], start: 5, end: 6 },
      ],
      aliasDomains: [{ name: 'lists.example', line: 4 }],
      problems: [],
    });
  });

  it('reports bad lines and keeps the first of duplicate keys', () => {
    const map = parseVirtualMap(lines('a@x.test b@x.test\nA@X.test c@x.test\nbare d@x.test\nnotarget@x.test\n@bad_domain z@x.test'), 'virtual');
    expect(map.entries.map((e) => e.targets)).toEqual([['b@x.test']]);
    expect(map.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
  });
});

describe('domains file', () => {
  it('reads domains and kinds', () => {
    expect(parseDomainsFile(lines('# ours\nExample.TEST\nlists.test alias\nexample.test\nbad_domain\nx.test weird\n'), 'domains')).toEqual({
      entries: [
        { name: 'example.test', kind: 'local', line: 1 },
        { name: 'lists.test', kind: 'alias', line: 2 },
      ],
      problems: [
        { file: 'domains', line: 5, message: expect.stringContaining('not a domain') },
        { file: 'domains', line: 6, message: expect.stringContaining("'local' or 'alias'") },
      ],
    });
  });
});
