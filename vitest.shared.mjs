// Shared vitest settings: every workspace package resolves sibling packages from
// their TypeScript sources through the "@mail/source" export condition, the one
// mechanism used for tests (builds resolve the same exports map to dist/).
import { defineConfig } from 'vitest/config';

const conditions = ['@mail/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The test command collects one JSON report per package to print a single summary line.
    reporters: process.env.MAIL_TEST_REPORT_DIR ? ['default', 'json'] : ['default'],
    outputFile: process.env.MAIL_TEST_REPORT_DIR
      ? { json: `${process.env.MAIL_TEST_REPORT_DIR}/${process.cwd().split('/').slice(-2).join('-')}.json` }
      : undefined,
  },
});
