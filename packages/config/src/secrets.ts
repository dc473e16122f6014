// Secrets kept in files: a `passwordFile` key is read into the `password` beside it (Docker and systemd secrets).
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { ConfigIssue } from './errors.js';
import { shapeOf } from './schema/walk.js';

/** Longest secret file read; a password file holds one short line. */
const MAX_SECRET_BYTES = 4096;

/** The secret in a file: its first line, without the line ending. */
export function readSecretFile(file: string): string {
  const data = readFileSync(file);
  if (data.length > MAX_SECRET_BYTES) throw new Error(`${file} is larger than ${MAX_SECRET_BYTES} bytes; a password file holds one line`);
  const secret = data.toString('utf8').split(/\r?\n/)[0] ?? '';
  if (secret === '') throw new Error(`the first line of ${file} is empty`);
  return secret;
}

/**
 * Fills `password` from `passwordFile` in every section of the validated configuration that has both keys
 * (redis, redis.sentinel). Returns one issue per file that cannot be read; `sourceOf` says where a key came from.
 */
export function loadSecretFiles(config: unknown, schema: z.ZodType, sourceOf: (key: string) => string, path: string[] = []): ConfigIssue[] {
  const shape = shapeOf(schema);
  if (!shape || typeof config !== 'object' || config === null) return [];
  const node = config as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  if ('passwordFile' in shape && 'password' in shape && typeof node.passwordFile === 'string') {
    const key = [...path, 'passwordFile'].join('.');
    try {
      node.password = readSecretFile(node.passwordFile);
    } catch (err) {
      issues.push({ key, source: sourceOf(key), message: `cannot read the password: ${(err as Error).message}` });
    }
  }
  for (const [k, sub] of Object.entries(shape)) {
    if (typeof node[k] === 'object' && node[k] !== null) issues.push(...loadSecretFiles(node[k], sub, sourceOf, [...path, k]));
  }
  return issues;
}
