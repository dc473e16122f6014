// Tests of dovecot-uidlist: line format, incremental reads, appends and rewrites.
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptFileError } from './errors.js';
import { formatUidlistHeader, formatUidlistRecord, parseUidlistHeader, parseUidlistRecord, Uidlist } from './uidlist.js';

describe('dovecot-uidlist lines', () => {
  it.each([
    ['3 V1275660208 N25022 G3085f01b7f11094c501100008c4a11c1', { version: 3, uidValidity: 1275660208, nextUid: 25022, guid: '3085f01b7f11094c501100008c4a11c1', extra: [] }],
    ['3 N5 V7 Xfoo G3085F01B7F11094C501100008C4A11C1', { version: 3, uidValidity: 7, nextUid: 5, guid: '3085f01b7f11094c501100008c4a11c1', extra: ['Xfoo'] }],
    ['1 1275660208 17', { version: 1, uidValidity: 1275660208, nextUid: 17, extra: [] }],
  ])('header %s', (line, want) => {
    expect(parseUidlistHeader(line)).toEqual(want);
  });

  it.each(['', '3', '2 V1 N1', '3 N5', '3 V0 N1', '3 V1 N1 Gxyz', 'x V1 N1', '1 5'])('refuses header %j', (line) => {
    expect(() => parseUidlistHeader(line)).toThrow(CorruptFileError);
  });

  it.each([
    ['1 :1276528487.M364837P9451.kurkku,S=1355,W=1394', 3, { uid: 1, base: '1276528487.M364837P9451.kurkku,S=1355,W=1394', ext: [] }],
    ['25 W1300 S1200 :123.M1P1.host', 3, { uid: 25, base: '123.M1P1.host', ext: ['W1300', 'S1200'] }],
    ['7 G0123 :name:2,S', 3, { uid: 7, base: 'name', ext: ['G0123'] }],
    ['8 lower :name', 3, { uid: 8, base: 'name', ext: [] }],
    ['9 1234.host:2,S', 1, { uid: 9, base: '1234.host', ext: [] }],
  ] as const)('record %s', (line, version, want) => {
    expect(parseUidlistRecord(line, version)).toEqual(want);
  });

  it.each(['0 :x', 'a :x', '5', '5 W1', '5 :', '5 :a/b', '4294967295 :x'])('refuses record %j', (line) => {
    expect(() => parseUidlistRecord(line, 3)).toThrow(CorruptFileError);
  });

  it('formats as Dovecot writes', () => {
    expect(formatUidlistHeader({ uidValidity: 5, nextUid: 9, guid: 'ab'.repeat(16) })).toBe(`3 V5 N9 G${'ab'.repeat(16)}\n`);
    expect(formatUidlistRecord({ uid: 3, base: 'x,S=1', ext: [] })).toBe('3 :x,S=1\n');
    expect(formatUidlistRecord({ uid: 3, base: 'x', ext: ['W9'] })).toBe('3 W9 :x\n');
  });
});

describe('Uidlist file', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('reads appended records incrementally and ignores a torn last line', async () => {
    const path = join(dir.path, 'dovecot-uidlist');
    await writeFile(path, `3 V10 N1 G${'0'.repeat(32)}\n1 :a\n`);
    const list = new Uidlist(dir.path);
    expect(await list.refresh()).toBe(true);
    expect(list.uidOf('a')).toBe(1);
    expect(await list.refresh()).toBe(false);
    await appendFile(path, '2 :b\n3 :c');
    expect(await list.refresh()).toBe(true);
    expect([list.uidOf('b'), list.uidOf('c')]).toEqual([2, undefined]);
    expect(list.nextUid()).toBe(3);
    await appendFile(path, '\n');
    await list.refresh();
    expect(list.uidOf('c')).toBe(3);
    expect(list.nextUid()).toBe(4);
  });

  it('appends and rewrites under the lock, keeping header fields', async () => {
    const list = new Uidlist(dir.path);
    await list.rewrite({ uidValidity: 42, guid: 'f'.repeat(32) });
    await list.append([{ uid: 1, base: 'x' }, { uid: 2, base: 'y' }]);
    expect(await readFile(list.path, 'utf8')).toBe(`3 V42 N1 G${'f'.repeat(32)}\n1 :x\n2 :y\n`);
    await list.rewrite({ drop: new Set([1]) });
    expect(await readFile(list.path, 'utf8')).toBe(`3 V42 N3 G${'f'.repeat(32)}\n2 :y\n`);
    await expect(list.append([{ uid: 2, base: 'z' }])).rejects.toThrow(/out of order/);
  });

  it('reports a corrupt file', async () => {
    await writeFile(join(dir.path, 'dovecot-uidlist'), `3 V10 N1 G${'0'.repeat(32)}\n2 :a\n1 :b\n`);
    await expect(new Uidlist(dir.path).refresh()).rejects.toThrow(CorruptFileError);
  });

  it('keeps the later UID of a file listed twice, as Dovecot does', async () => {
    await writeFile(join(dir.path, 'dovecot-uidlist'), `3 V10 N1 G${'0'.repeat(32)}\n1 :a\n2 :a\n`);
    const list = new Uidlist(dir.path);
    await list.refresh();
    expect(list.uidOf('a')).toBe(2);
    expect(list.record(1)).toBeUndefined();
  });
});
