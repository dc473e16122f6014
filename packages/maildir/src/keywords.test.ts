// Tests of dovecot-keywords: format, letters, mtime growth, the 26-keyword limit.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeywordLimitError } from './errors.js';
import { formatKeywords, KeywordMap, parseKeywords } from './keywords.js';

describe('dovecot-keywords', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('parses and formats the Dovecot format, skipping bad lines', () => {
    const slots = parseKeywords('0 Work\n2 $Forwarded\nbogus\n30 Far\nx Y\n1 \n');
    expect(slots.slice(0, 3)).toEqual(['Work', undefined, '$Forwarded']);
    expect(formatKeywords(slots)).toBe('0 Work\n2 $Forwarded\n');
  });

  it('maps letters, finds names case-insensitively, adds new ones and names lost letters', async () => {
    await writeFile(join(dir.path, 'dovecot-keywords'), '0 Work\n');
    const map = new KeywordMap(dir.path);
    await map.refresh();
    expect(map.letterOf('work')).toBe('a');
    expect(await map.lettersFor(['WORK', 'Home'])).toBe('ab');
    expect(await readFile(map.path, 'utf8')).toBe('0 Work\n1 Home\n');
    expect(map.namesOf('Sba')).toEqual(['Home', 'Work']);
    expect(map.nameOf('z')).toBe('unknown-25');
  });

  it('makes the mtime grow by whole seconds on every write, so Dovecot sees each change', async () => {
    const map = new KeywordMap(dir.path);
    await map.lettersFor(['a1']);
    const first = Math.floor((await stat(map.path)).mtimeMs / 1000);
    await map.lettersFor(['a2']);
    const second = Math.floor((await stat(map.path)).mtimeMs / 1000);
    expect(second).toBeGreaterThan(first);
  });

  it('refuses a 27th keyword', async () => {
    const map = new KeywordMap(dir.path);
    await map.lettersFor(Array.from({ length: 26 }, (_, i) => `k${i}`));
    await expect(map.lettersFor(['one-more'])).rejects.toThrow(KeywordLimitError);
  });
});
