// Tests of incremental reading of append-only files.
import { appendFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineFollower } from './line-file.js';

describe('LineFollower', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('returns the header once, then only new complete lines; a replaced file starts over', async () => {
    const path = join(dir.path, 'log');
    const f = new LineFollower(path);
    expect(await f.read()).toEqual({ reset: true, header: null, lines: [] });
    expect(await f.read()).toBeNull();
    await writeFile(path, 'H\na\nb');
    expect(await f.read()).toEqual({ reset: true, header: 'H', lines: ['a'] });
    expect(await f.read()).toBeNull();
    await appendFile(path, '\nc\n');
    expect(await f.read()).toEqual({ reset: false, header: null, lines: ['b', 'c'] });
    await writeFile(join(dir.path, 'new'), 'H2\nx\n');
    await rename(join(dir.path, 'new'), path);
    expect(await f.read()).toEqual({ reset: true, header: 'H2', lines: ['x'] });
    await unlink(path);
    expect(await f.read()).toEqual({ reset: true, header: null, lines: [] });
  });

  it('append returns its own lines without reading the file again, and falls back to reading when others wrote', async () => {
    const path = join(dir.path, 'log');
    const f = new LineFollower(path);
    expect(await f.append('H\na\n', false)).toEqual({ reset: true, header: 'H', lines: ['a'] });
    expect(await f.append('b\nc\n', true)).toEqual({ reset: false, header: null, lines: ['b', 'c'] });
    expect(await f.read()).toBeNull();
    await appendFile(path, 'other\n');
    expect(await f.append('d\n', false)).toEqual({ reset: false, header: null, lines: ['other', 'd'] });
    expect(await f.read()).toBeNull();
    await appendFile(path, 'e\n');
    expect(await f.read()).toEqual({ reset: false, header: null, lines: ['e'] });
  });
});
