// Tests of the delivery dedupe record: pending and done entries, retention, no keys on disk.
import { readFile } from 'node:fs/promises';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DedupeIndex, dedupeHash } from './dedupe.js';

describe('DedupeIndex', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('records pending and done entries that another reader sees', async () => {
    const a = new DedupeIndex(dir.path, 86_400_000);
    const lock = await a.lock(120_000);
    await a.refresh();
    const hash = dedupeHash('queue-id-1:bob@example.test');
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(a.lookup(hash)).toBeUndefined();
    await a.markPending([{ hash, folderDir: '.Sent', base: 'base1' }]);
    expect(a.lookup(hash)).toMatchObject({ state: 'pending', folderDir: '.Sent', base: 'base1' });
    await a.markDone([hash]);
    await lock.release();
    const b = new DedupeIndex(dir.path, 86_400_000);
    await b.refresh();
    expect(b.lookup(hash)).toMatchObject({ state: 'done', folderDir: '.Sent', base: 'base1' });
    expect(await readFile(a.path, 'utf8')).not.toContain('bob@example.test');
  });

  it('forgets entries older than the retention', async () => {
    const a = new DedupeIndex(dir.path, -1);
    await a.markPending([{ hash: dedupeHash('k'), folderDir: '', base: 'b' }]);
    expect(a.lookup(dedupeHash('k'))).toBeUndefined();
  });
});
