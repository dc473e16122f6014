// MAIL_* environment overrides: MAIL_SMTPD__MAX_ERRORS=3 sets smtpd.maxErrors. A double underscore separates
// levels, each level's UPPER_SNAKE name becomes camelCase, and the value is read as a YAML scalar or flow collection.
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { resolveFilePaths } from './paths.js';
import { ConfigSchema } from './schema/index.js';
import { isStringLike, schemaAt } from './schema/walk.js';

export const ENV_PREFIX = 'MAIL_';

/** Variables that are about the process, not configuration keys: the file to read, where `mailctl up` finds the daemons. */
export const PROCESS_VARIABLES: ReadonlySet<string> = new Set(['MAIL_CONFIG', 'MAIL_APPS_DIR']);

/** True when `name` is a configuration override (MAIL_*, except MAIL_CONFIG, MAIL_APPS_DIR and MAIL_TEST_*). */
export function isOverrideVariable(name: string): boolean {
  return name.startsWith(ENV_PREFIX) && !PROCESS_VARIABLES.has(name) && !name.startsWith('MAIL_TEST_');
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** `MAIL_SMTPD__MAX_ERRORS` → `['smtpd', 'maxErrors']`; `__` separates levels, `_` separates words of one key. */
export function envKeyToPath(name: string): string[] {
  const rest = name.startsWith(ENV_PREFIX) ? name.slice(ENV_PREFIX.length) : name;
  return rest.split('__').map((seg) => seg.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/** `['smtpd', 'maxErrors']` → `MAIL_SMTPD__MAX_ERRORS`: the variable that overrides a key. */
export function pathToEnvName(path: readonly (string | number)[]): string {
  return ENV_PREFIX + path.map((seg) => String(seg).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__');
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

/** Reads one variable's value: verbatim for string keys, otherwise as YAML (25, true, 10M, [a, b], {x: 1}). */
function parseValue(text: string, schema: z.ZodType | undefined): { value: unknown } | { error: string } {
  if (schema && isStringLike(schema)) return { value: text };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return { error: `not a YAML value: ${doc.errors[0]?.message.split('\n')[0] ?? 'syntax error'}` };
  return { value: doc.toJS() as unknown };
}

/**
 * Applies MAIL_* overrides onto a raw (unvalidated) document, in name order; returns which key came from which
 * variable (`smtpd.maxErrors` → `environment MAIL_SMTPD__MAX_ERRORS`). Relative paths are resolved against `cwd`.
 */
export function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd = process.cwd()): Map<string, string> {
  const origins = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const names = Object.keys(env).filter(isOverrideVariable).sort();
  for (const name of names) {
    const text = env[name];
    if (text === undefined) continue;
    const source = `environment ${name}`;
    const path = envKeyToPath(name);
    const key = path.join('.');
    if (path.some((seg) => seg === '' || FORBIDDEN.has(seg))) {
      issues.push({ source, key: key || name, message: 'not a configuration key (levels are separated by a double underscore)' });
      continue;
    }
    const schema = schemaAt(ConfigSchema, path);
    const parsed = parseValue(text, schema);
    if ('error' in parsed) {
      issues.push({ source, key, message: parsed.error });
      continue;
    }
    let node: Record<string, unknown> | unknown[] = raw;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      const next: unknown = (node as Record<string, unknown>)[seg];
      if (!isContainer(next) || !Object.hasOwn(node, seg)) {
        const fresh = /^\d+$/.test(path[i + 1]!) ? [] : {};
        (node as Record<string, unknown>)[seg] = fresh;
        node = fresh;
        // What the variable created is its own: a problem inside it (a missing key beside the one set) is named after it.
        const created = path.slice(0, i + 1).join('.');
        if (!origins.has(created)) origins.set(created, source);
      } else {
        node = next;
      }
    }
    (node as Record<string, unknown>)[path[path.length - 1]!] = schema ? resolveFilePaths(parsed.value, schema, cwd) : parsed.value;
    origins.set(key, source);
  }
  if (issues.length > 0) throw new ConfigError(undefined, issues);
  return origins;
}
