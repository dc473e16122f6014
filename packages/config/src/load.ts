// Reading the configuration: YAML file, then MAIL_* environment overrides, then the schema.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema/index.js';

/** One problem found in a configuration: where it is and what is wrong. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `smtpd.listeners.0.port`. */
  key: string;
  message: string;
  /** Where the offending value came from: the file, or the environment variable. */
  source: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${i.source}: ${i.key || '(top level)'}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Path of the YAML file; when absent, only defaults and the environment apply. */
  file?: string | undefined;
  /** Environment to read MAIL_* overrides from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The default configuration file, overridable with MAIL_CONFIG. */
export const DEFAULT_CONFIG_FILE = '/etc/mail/mail.yaml';

/** `MAIL_SMTPD__MAX_ERRORS` → `['smtpd', 'maxErrors']`; `__` separates levels. */
export function envKeyToPath(name: string): string[] {
  return name
    .slice('MAIL_'.length)
    .split('__')
    .map((seg) => seg.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/** Variables that are about the process, not configuration keys. */
const NOT_KEYS = new Set(['MAIL_CONFIG', 'MAIL_TEST_REDIS_URL']);

/** Applies MAIL_* overrides onto a raw (unvalidated) document; returns which key came from which variable. */
export function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const origins = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MAIL_') || NOT_KEYS.has(name) || name.startsWith('MAIL_TEST_') || value === undefined) continue;
    const path = envKeyToPath(name);
    let node: Record<string, unknown> = raw;
    for (const seg of path.slice(0, -1)) {
      const next = node[seg];
      if (typeof next !== 'object' || next === null) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    // Values are YAML scalars or flow collections: 25, true, [a, b], {x: 1}.
    let parsed: unknown;
    try {
      parsed = parseYaml(value);
    } catch {
      parsed = value;
    }
    node[path[path.length - 1]!] = parsed ?? value;
    origins.set(path.join('.'), `environment ${name}`);
  }
  return origins;
}

function readDocument(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ key: '', source: file, message: `cannot read: ${(err as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ key: '', source: file, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [{ key: '', source: file, message: 'the document must be a mapping of keys' }]);
  }
  return value as Record<string, unknown>;
}

function issuesOf(error: z.ZodError, file: string | undefined, origins: Map<string, string>): ConfigIssue[] {
  return error.issues.map((issue) => {
    const parts = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...parts, k].join('.'));
      return { key: keys.join(', '), source: file ?? 'configuration', message: `unknown key${keys.length > 1 ? 's' : ''}` };
    }
    const key = parts.join('.');
    let source = file ?? 'defaults';
    for (const [k, origin] of origins) if (key === k || key.startsWith(`${k}.`)) source = origin;
    return { key, source, message: issue.message };
  });
}

/** Validates a raw document (already merged with the environment) into a Config. */
export function parseConfig(raw: unknown, file?: string, origins = new Map<string, string>()): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, issuesOf(result.error, file, origins));
  return result.data;
}

/** Loads the configuration a daemon runs with. Throws ConfigError naming file, key and problem. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.MAIL_CONFIG;
  const raw = file ? readDocument(file) : {};
  const origins = applyEnv(raw, env);
  return parseConfig(raw, file, origins);
}

/** Reads only the file and environment (no defaults): what `config show` compares against. */
export function loadRaw(options: LoadOptions = {}): Record<string, unknown> {
  const env = options.env ?? process.env;
  const file = options.file ?? env.MAIL_CONFIG;
  const raw = file ? readDocument(file) : {};
  applyEnv(raw, env);
  return raw;
}
