// Reading the configuration: the YAML file, relative paths resolved against its directory, MAIL_* environment
// overrides, validation by the schema, then secrets read from their files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { applyEnv } from './env.js';
import { ConfigError, configErrorMap, issuesFromZod, sourceOf, type LineOf } from './errors.js';
import { resolveFilePaths } from './paths.js';
import { ConfigSchema, type Config } from './schema/index.js';
import { loadSecretFiles } from './secrets.js';
import { child, unwrap } from './schema/walk.js';

export interface LoadOptions {
  /** Path of the YAML file (from --config); when absent, MAIL_CONFIG, then the default file if it exists. */
  file?: string | undefined;
  /** Environment to read MAIL_* overrides from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Directory that relative names given on the command line or in the environment are resolved against (default: process.cwd()). */
  cwd?: string;
  /** File read when neither `file` nor MAIL_CONFIG names one (default: DEFAULT_CONFIG_FILE); null reads none. */
  defaultFile?: string | null;
}

/** The configuration file read when neither --config nor MAIL_CONFIG names one, if it exists. */
export const DEFAULT_CONFIG_FILE = '/etc/mail/mail.yaml';

/** Which file to read: `file` (--config), else MAIL_CONFIG, else the default file when it exists; undefined means none. */
export function resolveConfigFile(options: LoadOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  if (options.file) return options.file;
  if (env.MAIL_CONFIG) return env.MAIL_CONFIG;
  const fallback = options.defaultFile === undefined ? DEFAULT_CONFIG_FILE : options.defaultFile;
  return fallback && existsSync(fallback) ? fallback : undefined;
}

/** A configuration file as read: its keys as plain data, and where each key is in the text. */
export interface SourceDocument {
  raw: Record<string, unknown>;
  lineOf: LineOf;
}

function lineFinder(doc: Document, counter: LineCounter): LineOf {
  const lineAt = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : counter.linePos(offset).line);
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[n - 1]));
        if (pair && isScalar(pair.key)) return lineAt(pair.key.range?.[0]);
      }
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineAt(node.range[0]);
    }
    return undefined;
  };
}

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'YAML syntax error: a configuration file holds one document (a second "---" starts another)';
  return `YAML syntax error: ${message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/** Reads and parses a YAML configuration file; top-level keys starting with `x-` only hold anchors and are dropped. */
export function readDocument(file: string, cwd = process.cwd()): SourceDocument {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ key: '', source: file, message: `cannot read: ${(err as Error).message}` }]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ key: '', source: file, message: syntaxMessage(e.code, e.message), line: e.linePos?.[0].line, column: e.linePos?.[0].col })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (err) {
    throw new ConfigError(file, [{ key: '', source: file, message: `YAML error: ${(err as Error).message}` }]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [{ key: '', source: file, message: 'the document must be a mapping of keys (key: value)', line: 1 }]);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (key.startsWith('x-')) delete raw[key];
  return { raw, lineOf: lineFinder(doc, counter) };
}

/**
 * Validates a raw document (already merged with the environment) into a Config. Pure: it reads no files, so a
 * `passwordFile` is not read here (loadConfig does that).
 */
export function parseConfig(raw: unknown, file?: string, origins: ReadonlyMap<string, string> = new Map(), lineOf?: LineOf): Config {
  const result = ConfigSchema.safeParse(raw, { error: configErrorMap, reportInput: true });
  if (!result.success) throw new ConfigError(file, issuesFromZod(result.error, { root: ConfigSchema, file, origins, lineOf }));
  return result.data;
}

/**
 * Drops sections written with nothing under them (`redis:` followed only by comments parses as null), so they
 * take their defaults as if absent. Only sections: an empty scalar or list is still reported.
 */
export function dropEmptySections(value: unknown, schema: z.ZodType): unknown {
  if (Array.isArray(value)) return value.map((v, i) => (child(schema, i) ? dropEmptySections(v, child(schema, i)!) : v));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    const sub = child(schema, k);
    if (!sub) continue;
    if (v === null && unwrap(sub).schema instanceof z.ZodObject) delete record[k];
    else dropEmptySections(v, sub);
  }
  return value;
}

interface Gathered {
  file: string | undefined;
  raw: Record<string, unknown>;
  origins: Map<string, string>;
  lineOf: LineOf | undefined;
}

function gather(options: LoadOptions): Gathered {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigFile(options);
  let raw: Record<string, unknown> = {};
  let lineOf: LineOf | undefined;
  if (file) {
    const doc = readDocument(file, cwd);
    raw = resolveFilePaths(dropEmptySections(doc.raw, ConfigSchema), ConfigSchema, dirname(resolve(cwd, file))) as Record<string, unknown>;
    lineOf = doc.lineOf;
  }
  try {
    const origins = applyEnv(raw, env, cwd);
    return { file, raw, origins, lineOf };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(file, err.issues);
    throw err;
  }
}

/** Loads the configuration a daemon runs with. Throws ConfigError naming the file or variable, the key and the problem. */
export function loadConfig(options: LoadOptions = {}): Config {
  const { file, raw, origins, lineOf } = gather(options);
  const config = parseConfig(raw, file, origins, lineOf);
  const issues = loadSecretFiles(config, ConfigSchema, (key) => sourceOf(key, origins, file ?? 'configuration'));
  if (issues.length > 0) throw new ConfigError(file, issues);
  return config;
}

/** Reads only the file and environment (no defaults, no validation), with relative paths resolved. */
export function loadRaw(options: LoadOptions = {}): Record<string, unknown> {
  return gather(options).raw;
}
