// `pnpm --filter @mail/config run docs`: rewrites the reference in docs/configuration.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateReference } from './reference.js';

/** docs/configuration.md of the repository (from src/ or dist/, both two levels below the package). */
export const CONFIGURATION_DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

const before = readFileSync(CONFIGURATION_DOC, 'utf8');
const after = updateReference(before);
if (after === before) {
  console.log(`${CONFIGURATION_DOC}: up to date`);
} else {
  writeFileSync(CONFIGURATION_DOC, after);
  console.log(`${CONFIGURATION_DOC}: reference rewritten`);
}
