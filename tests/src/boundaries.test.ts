// The architecture's import boundaries are enforced by lint: apps never import apps, packages never import apps.
// Lints sample files placed (virtually) under packages/ and apps/ with the repository's own eslint.config.js.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support.js';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ overrideConfigFile: join(REPO, 'eslint.config.js'), cwd: REPO });
});

/** The boundary messages ESLint reports for `code` as if it were the file at `path` (relative to the repository). */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const filePath = join(REPO, path);
  expect(await eslint.isPathIgnored(filePath)).toBe(false);
  const [result] = await eslint.lintText(code, { filePath });
  expect(result?.filePath).toBe(filePath);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const NEVER_APPS = /Apps never import apps and packages never import apps/;
const NOT_BY_PATH = /Do not reach into apps\/ by path/;

describe('import boundaries', () => {
  it.each([
    ['packages/maildir/src/boundary-sample.ts', "import { start } from '@mail/smtpd';\nexport { start };\n"],
    ['packages/queue/src/boundary-sample.ts', "export * from '@mail/queue-runner';\n"],
    ['packages/auth/src/boundary-sample.ts', "import type { Command } from '@mail/mailctl/command';\nexport type X = Command;\n"],
    ['packages/config/test/boundary-sample.test.ts', "import { run } from '@mail/mailctl';\nexport { run };\n"],
    ['apps/smtpd/src/boundary-sample.ts', "import { start } from '@mail/imapd';\nexport { start };\n"],
    ['apps/imapd/src/boundary-sample.ts', "import { start } from '@mail/pop3d';\nexport { start };\n"],
    ['apps/mda/src/boundary-sample.ts', "export { start } from '@mail/queue-runner';\n"],
    ['apps/queue-runner/src/boundary-sample.ts', "import { start } from '@mail/mda';\nexport { start };\n"],
    ['apps/mailctl/src/boundary-sample.ts', "import { start } from '@mail/smtpd';\nexport { start };\n"],
    ['apps/pop3d/test/boundary-sample.test.ts', "import { run } from '@mail/mailctl';\nexport { run };\n"],
  ])('%s: importing an app is an error', async (path, code) => {
    const errors = await boundaryErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(NEVER_APPS);
  });

  it.each([
    ['packages/maildir/src/boundary-sample.ts', "import { start } from '../../../apps/smtpd/src/main.js';\nexport { start };\n"],
    ['apps/smtpd/src/boundary-sample.ts', "import { start } from '../../../apps/imapd/src/main.js';\nexport { start };\n"],
  ])('%s: reaching into another app by relative path is an error', async (path, code) => {
    const errors = await boundaryErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(NOT_BY_PATH);
  });

  it.each([
    ['apps/smtpd/src/boundary-sample.ts', "import { start } from '../../imapd/src/main.js';\nexport { start };\n"],
    ['apps/mda/test/boundary-sample.test.ts', "import { start } from '../../smtpd/dist/main.js';\nexport { start };\n"],
  ])('%s: reaching into a sibling app by relative path is an error', async (path, code) => {
    const errors = await boundaryErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(NOT_BY_PATH);
  });

  it.each([
    ['packages/maildir/src/boundary-sample.ts', "export const m = await import('@mail/smtpd');\n"],
    ['apps/pop3d/src/boundary-sample.ts', "export const m = await import('@mail/imapd/main');\n"],
  ])('%s: a dynamic import of an app is an error', async (path, code) => {
    const filePath = join(REPO, path);
    const [result] = await eslint.lintText(code, { filePath });
    const errors = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(NEVER_APPS);
  });

  it.each([
    // Apps and packages import packages.
    ['apps/smtpd/src/boundary-sample.ts', "import { loadConfig } from '@mail/config';\nimport { createLogger } from '@mail/log';\nexport { loadConfig, createLogger };\n"],
    // @mail/queue is a package, even though the queue-runner app's name starts the same way.
    ['apps/smtpd/src/boundary-sample.ts', "import * as queue from '@mail/queue';\nexport { queue };\n"],
    ['packages/maildir/src/boundary-sample.ts', "import { loadConfig } from '@mail/config';\nexport { loadConfig };\n"],
    // An app may import itself (its tests use its package name) and its own modules.
    ['apps/smtpd/test/boundary-sample.test.ts', "import { start } from '@mail/smtpd';\nexport { start };\n"],
    ['apps/queue-runner/test/boundary-sample.test.ts', "import { start } from '@mail/queue-runner';\nexport { start };\n"],
    ['apps/mailctl/src/boundary-sample.ts', "import { run } from './cli-run.js';\nimport type { Command } from './command.js';\nexport { run };\nexport type X = Command;\n"],
  ])('%s: an allowed import passes', async (path, code) => {
    expect(await boundaryErrors(path, code)).toEqual([]);
  });
});
