// The domain list: one domain per line, optionally followed by its kind (`local`, the default, or `alias` for a
// domain whose every address is a virtual alias); comments and blank lines are ignored.
import { normalizeDomain } from './address.js';
import type { SourceProblem } from './errors.js';
import { logicalLines } from './text-lines.js';
import type { DomainKind } from './types.js';

export interface DomainsFileEntry {
  name: string;
  kind: DomainKind;
  line: number;
}

export function parseDomainsFile(lines: readonly string[], file: string): { entries: DomainsFileEntry[]; problems: SourceProblem[] } {
  const entries: DomainsFileEntry[] = [];
  const problems: SourceProblem[] = [];
  const seen = new Set<string>();
  for (const l of logicalLines(lines, false)) {
    const report = (message: string) => problems.push({ file, line: l.start + 1, message });
    const [word = '', kindWord, ...extra] = l.text.trim().split(/\s+/);
    const name = normalizeDomain(word);
    if (!name) {
      report(`'${word}' is not a domain name`);
      continue;
    }
    const kind = kindWord === undefined ? 'local' : kindWord.toLowerCase();
    if ((kind !== 'local' && kind !== 'alias') || extra.length) {
      report(`${name}: expected 'local' or 'alias' after the domain`);
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    entries.push({ name, kind, line: l.start });
  }
  return { entries, problems };
}

export function formatDomainLine(name: string, kind: DomainKind): string {
  return kind === 'local' ? name : `${name} ${kind}`;
}
