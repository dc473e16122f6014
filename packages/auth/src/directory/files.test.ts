import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FilesDirectory } from './files.js';
import { directoryContract } from './test-contract.js';

const dirs: TempDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => d.cleanup()));
});

async function make(): Promise<FilesDirectory> {
  const tmp = await tempDir('mail-directory-');
  dirs.push(tmp);
  await writeFile(join(tmp.path, 'aliases'), '# local aliases\npostmaster: root\nroot: admin@example.test\n');
  return new FilesDirectory({
    paths: {
      users: join(tmp.path, 'users'),
      domains: join(tmp.path, 'domains'),
      aliases: join(tmp.path, 'aliases'),
      virtual: join(tmp.path, 'virtual'),
      mailboxes: '/srv/mail/%d/%n',
    },
    configDomains: ['config.test'],
    reloadInterval: 0,
  });
}

directoryContract('FilesDirectory', { make });

describe('FilesDirectory', () => {
  it('is a placeholder for file-specific tests', () => {
    expect(true).toBe(true);
  });
});
