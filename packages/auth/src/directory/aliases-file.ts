// The aliases(5) file for local parts of local domains: `name: target, target, ...`, comments, continuation
// lines, quoted names and targets, and `:include:/file` lists. File and command targets are not supported.
import type { SourceProblem } from './errors.js';
import { logicalLines } from './text-lines.js';

export interface AliasesFileEntry {
  /** Lowercase local part (aliases(5) folds names to lowercase). */
  name: string;
  /** Targets as written; `:include:` targets are still unexpanded here. */
  targets: string[];
  line: number;
}

/** Splits at commas outside double quotes; strips the quotes and blanks around each item. */
export function splitTargets(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out.map((t) => unquote(t.trim())).filter((t) => t !== '');
}

function unquote(t: string): string {
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
}

/** Index of the ':' that ends the name, outside quotes; -1 when there is none. */
function nameEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return i;
  }
  return -1;
}

export type TargetKind = 'address' | 'include' | 'file' | 'command';

export function targetKind(target: string): TargetKind {
  if (target.toLowerCase().startsWith(':include:')) return 'include';
  if (target.startsWith('|')) return 'command';
  if (target.startsWith('/')) return 'file';
  return 'address';
}

/** Parses the file; the first definition of a name wins, later ones are reported. */
export function parseAliasesFile(lines: readonly string[], file: string): { entries: AliasesFileEntry[]; problems: SourceProblem[] } {
  const entries: AliasesFileEntry[] = [];
  const problems: SourceProblem[] = [];
  const seen = new Set<string>();
  for (const l of logicalLines(lines, true)) {
    const report = (message: string) => problems.push({ file, line: l.start + 1, message });
    const colon = nameEnd(l.text);
    if (colon <= 0) {
      report('expected name: target, target, ...');
      continue;
    }
    const name = unquote(l.text.slice(0, colon).trim()).toLowerCase();
    if (name === '' || (/\s/.test(name) && !l.text.startsWith('"'))) {
      report(`'${name}' is not an alias name (quote names that contain blanks)`);
      continue;
    }
    if (seen.has(name)) {
      report(`duplicate alias '${name}' ignored (the first definition applies)`);
      continue;
    }
    const targets: string[] = [];
    for (const t of splitTargets(l.text.slice(colon + 1))) {
      const kind = targetKind(t);
      if (kind === 'file' || kind === 'command') report(`${name}: delivery to a ${kind} ('${t}') is not supported; target ignored`);
      else targets.push(t);
    }
    if (targets.length === 0) {
      report(`${name}: no usable target`);
      continue;
    }
    seen.add(name);
    entries.push({ name, targets, line: l.start });
  }
  return { entries, problems };
}

/** Targets listed in an :include: file: comma- or line-separated, with comments and blank lines. */
export function parseIncludeFile(lines: readonly string[]): string[] {
  return logicalLines(lines, true).flatMap((l) => splitTargets(l.text));
}
