// Configuration errors: each names where the value came from (file or environment variable), the dotted key, and the problem.
import type { z } from 'zod';
import { isSecretKey, redactString } from './redact.js';
import { shapeOf, schemaAt } from './schema/walk.js';

/** One problem found in a configuration: where it is and what is wrong. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `smtpd.listeners.0.port`; empty for a problem with the whole document. */
  key: string;
  message: string;
  /** Where the offending value came from: the file, `environment MAIL_…`, or `configuration` when neither. */
  source: string;
  /** Line in the file (1-based), when the value came from the file. */
  line?: number | undefined;
  /** Column in the file (1-based), for syntax errors. */
  column?: number | undefined;
}

/** `<source>: <key>: <problem> (line N)`, or `<source>: line N, column C: <problem>` for a problem without a key. */
export function formatIssue(issue: ConfigIssue): string {
  if (!issue.key) {
    const where = issue.line ? `line ${issue.line}${issue.column ? `, column ${issue.column}` : ''}: ` : '';
    return `${issue.source}: ${where}${issue.message}`;
  }
  return `${issue.source}: ${issue.key}: ${issue.message}${issue.line ? ` (line ${issue.line})` : ''}`;
}

/** A configuration that cannot be used; `message` lists every issue, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Short, safe rendering of an offending value: never a secret, never a whole document. */
export function describeValue(value: unknown, key = ''): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (isSecretKey(key.split('.').pop() ?? '')) return 'a value (not shown)';
  if (typeof value === 'string') {
    const text = redactString(value);
    return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  }
  return String(value);
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
  record: 'a mapping of keys',
};

function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${Number(n) === 1 ? '' : 's'}`;
}

/** Messages for schema checks that carry no message of their own; zod's defaults are for programmers. */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && issue.code !== 'custom' && issue.code !== 'unrecognized_keys') return 'required';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `at least ${plural(issue.minimum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `at least ${plural(issue.minimum, 'item')}`;
      return `at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `at most ${plural(issue.maximum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `at most ${plural(issue.maximum, 'item')}`;
      return `at most ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern ? `does not match ${issue.pattern}` : `not a valid ${issue.format}`;
    case 'invalid_union':
      return 'not a valid value';
    default:
      return undefined;
  }
};

/** A key path for people: `smtpd.listeners.0.port`; a segment that is not a plain name is quoted: `tls.sni["mail.example.org"].cert`. */
export function formatKey(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    const text = String(seg);
    if (/^[A-Za-z0-9_-]+$/.test(text)) out += out ? `.${text}` : text;
    else out += `[${JSON.stringify(text)}]`;
  }
  return out;
}

/** Finds which source a key's value came from: the environment variable that set it or a parent, else `fallback`. */
export function sourceOf(key: string, origins: ReadonlyMap<string, string>, fallback: string): string {
  let best = '';
  let source = fallback;
  for (const [k, origin] of origins) {
    if ((key === k || key.startsWith(`${k}.`)) && k.length >= best.length) {
      best = k;
      source = origin;
    }
  }
  return source;
}

function normalized(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key an unknown one was probably meant to be: same letters in another case or spelling, or one or two typos. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const exact = known.find((k) => normalized(k) === normalized(unknown));
  if (exact) return exact;
  const limit = unknown.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const k of known) {
    const d = editDistance(normalized(unknown), normalized(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Finds the line of a key in the file (or of its nearest parent that is there). */
export type LineOf = (path: readonly (string | number)[]) => number | undefined;

export interface IssueContext {
  root: z.ZodType;
  file: string | undefined;
  origins: ReadonlyMap<string, string>;
  lineOf?: LineOf | undefined;
}

/** Turns zod issues into ConfigIssues: one per unknown key, a source and a line for each, a readable message. */
export function issuesFromZod(error: z.ZodError, context: IssueContext): ConfigIssue[] {
  const fileSource = context.file ?? 'configuration';
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(shapeOf(schemaAt(context.root, path) ?? context.root) ?? {});
      for (const unknownKey of issue.keys) {
        const key = formatKey([...path, unknownKey]);
        const source = sourceOf(key, context.origins, fileSource);
        const hint = suggestKey(unknownKey, known);
        const line = source === context.file ? context.lineOf?.([...path, unknownKey]) : undefined;
        out.push({ key, source, message: hint ? `unknown key (did you mean ${formatKey([...path, hint])}?)` : 'unknown key', line });
      }
      continue;
    }
    const key = formatKey(path);
    const source = sourceOf(key, context.origins, fileSource);
    let message = issue.message;
    // A rule between keys (custom, on a whole section) gets no "got": the section is not the offending value.
    const wholeSection = issue.code === 'custom' && typeof issue.input === 'object' && issue.input !== null;
    if ('input' in issue && issue.input !== undefined && !wholeSection) message += `, got ${describeValue(issue.input, key)}`;
    const line = source === context.file ? context.lineOf?.(path) : undefined;
    out.push({ key, source, message, line });
  }
  // Problems in the file in the order of its lines, then those from the environment.
  const rank = (i: ConfigIssue): number => (i.source === context.file ? (i.line ?? 0) : Number.MAX_SAFE_INTEGER);
  return out.map((issue, index) => ({ issue, index })).sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index).map((x) => x.issue);
}
