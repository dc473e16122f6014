// Lint rules for the whole workspace. The boundary rules are part of the
// architecture: apps never import apps, packages never import apps.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Packages run eslint with --config pointing here; basePath keeps file patterns relative to the repository root.
const basePath = import.meta.dirname;

const apps = ['smtpd', 'pop3d', 'imapd', 'mda', 'queue-runner', 'mailctl'];
const appImports = apps.flatMap((a) => [`@mail/${a}`, `@mail/${a}/*`]);

/** Forbid importing any app except `self` (an app may import its own package name in tests). */
function noAppImports(self) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: appImports.filter((p) => !self || !p.startsWith(`@mail/${self}`)),
            message: 'Apps never import apps and packages never import apps: move shared code into packages/.',
          },
          {
            group: ['**/apps/**', '../../apps/**', ...apps.filter((a) => a !== self).flatMap((a) => [`**/${a}/src/**`, `**/${a}/dist/**`])],
            message: 'Do not reach into apps/ by path.',
          },
        ],
      },
    ],
    // no-restricted-imports does not see import(): the same boundary for dynamic imports.
    'no-restricted-syntax': [
      'error',
      {
        selector: `ImportExpression > Literal[value=/^@mail\\/(${apps.filter((a) => a !== self).join('|')})(\\/|$)/]`,
        message: 'Apps never import apps and packages never import apps: move shared code into packages/.',
      },
    ],
  };
}

export default tseslint.config(
  { basePath, ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.mjs', 'var/**', '.dev/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  { basePath, files: ['packages/**/*.ts'], rules: noAppImports(null) },
  ...apps.map((a) => ({ basePath, files: [`apps/${a}/**/*.ts`], rules: noAppImports(a) })),
);
