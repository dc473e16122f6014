// Tests of the mod-sequence log: line format, HIGHESTMODSEQ, compaction.
import { appendFile, readFile } from 'node:fs/promises';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatModseqLine, ModseqLog, parseModseqLine } from './modseq.js';

describe('mailsuite-modseq lines', () => {
  it.each([
    [{ kind: 'set', uid: 3, modseq: 7, internalDate: 1700000000123, letters: 'FS' }, '3 7 1700000000123 FS\n'],
    [{ kind: 'set', uid: 3, modseq: 7, internalDate: 5, letters: '' }, '3 7 5 -\n'],
    [{ kind: 'set', uid: 3, modseq: 7, internalDate: 5, letters: 'S', size: 10, vsize: 12 }, '3 7 5 S 10 12\n'],
    [{ kind: 'expunge', uid: 3, modseq: 8 }, '- 3 8\n'],
  ] as const)('%j ↔ %j', (line, text) => {
    expect(formatModseqLine(line)).toBe(text);
    expect(parseModseqLine(text.trimEnd())).toEqual(line);
  });

  it.each(['', 'x 1 2 S', '1 0 2 S', '1 2 3', '1 2 3 a,b', '- 1', '0 1 2 -'])('ignores %j', (text) => {
    expect(parseModseqLine(text)).toBeNull();
  });
});

describe('ModseqLog', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('tracks HIGHESTMODSEQ across appends, expunges and compaction', async () => {
    const log = new ModseqLog(dir.path);
    await log.refresh();
    await log.rewrite(99);
    await log.append([
      { kind: 'set', uid: 1, modseq: 1, internalDate: 10, letters: '' },
      { kind: 'set', uid: 2, modseq: 1, internalDate: 20, letters: 'S' },
    ]);
    await log.append([{ kind: 'set', uid: 1, modseq: 2, internalDate: 10, letters: 'F' }]);
    await log.append([{ kind: 'expunge', uid: 2, modseq: 3 }]);
    expect(log.get(1)).toEqual({ modseq: 2, internalDate: 10, letters: 'F' });
    expect(log.get(2)).toBeUndefined();
    expect(log.highest).toBe(3);
    await log.rewrite(99);
    expect(await readFile(log.path, 'utf8')).toBe('mailsuite-modseq 1 V99 H3\n1 2 10 F\n');
    const other = new ModseqLog(dir.path);
    await other.refresh();
    expect([other.uidValidity, other.highest, other.get(1)?.letters]).toEqual([99, 3, 'F']);
  });

  it('starts empty for a new UIDVALIDITY without lowering HIGHESTMODSEQ, and skips torn lines', async () => {
    const log = new ModseqLog(dir.path);
    await log.rewrite(1);
    await log.append([{ kind: 'set', uid: 1, modseq: 40, internalDate: 1, letters: '' }]);
    await log.rewrite(2);
    expect([log.uidValidity, log.highest, log.size]).toEqual([2, 40, 0]);
    await appendFile(log.path, '5 41 1 S');
    expect(await log.refresh()).toBe(true);
    expect(log.get(5)).toBeUndefined();
  });
});
