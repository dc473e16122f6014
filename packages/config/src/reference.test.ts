// The generated reference: complete, readable, and the copy in docs/configuration.md is current.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { REFERENCE_BEGIN, REFERENCE_END, referenceEntries, renderReference, typeName, updateReference } from './reference.js';
import { Duration, FilePath, Size } from './schema/values.js';

const DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

describe('reference', () => {
  it('docs/configuration.md carries the current reference (run `pnpm --filter @mail/config run docs` after changing the schema)', () => {
    const text = readFileSync(DOC, 'utf8');
    expect(updateReference(text)).toBe(text);
  });

  it('describes every key', () => {
    const undescribed = referenceEntries()
      .filter((e) => e.description.trim() === '')
      .map((e) => e.key);
    expect(undescribed).toEqual([]);
  });

  it.each([
    ['hostname', 'string', 'localhost', false],
    ['smtpd.maxErrors', 'integer ≥ 1', '10', false],
    ['smtpd.listeners[].port', 'integer 1–65535', undefined, true],
    ['smtpd.listeners[].tls', 'one of: none, starttls, implicit', 'starttls', false],
    ['smtpd.listeners[].host', 'string', '"::"', false],
    ['limits.messageSize', 'size', '50M', false],
    ['limits.idleTimeout', 'duration', '30m', false],
    ['paths.data', 'path', '/var/lib/mail', false],
    ['tls.sni.<name>.cert', 'path', undefined, true],
    ['tls.cert', 'path', undefined, false],
    ['mynetworks', 'list of networks', '[127.0.0.0/8, ::1/128]', false],
    ['queueRunner.transport', 'map of name → string', '{}', false],
    ['redis.sentinel.sentinels', 'list of mappings', undefined, true],
  ])('%s: %s, default %s, required %s', (key, type, def, required) => {
    const entry = referenceEntries().find((e) => e.key === key);
    expect(entry).toMatchObject({ type, default: def, required });
  });

  it.each([
    [z.number().int().min(1).max(65535), 'integer 1–65535'],
    [z.number().int().nonnegative(), 'integer ≥ 0'],
    [z.number(), 'number'],
    [z.boolean().default(false), 'boolean'],
    [z.array(FilePath), 'list of paths'],
    [Size.optional(), 'size'],
    [Duration.prefault('1s').describe('x'), 'duration'],
    [z.record(z.string(), z.array(z.string())), 'map of name → list of strings'],
  ])('type of %#: %s', (schema, type) => expect(typeName(schema as z.ZodType)).toBe(type));

  it('escapes what Markdown tables and HTML would misread', () => {
    const schema = z.strictObject({ s: z.strictObject({ a: z.string().default('x|y').describe('keys under <domain>.key | more') }).prefault({}) });
    expect(renderReference(schema)).toContain('| `s.a` | string | `x\\|y` | keys under &lt;domain&gt;.key \\| more |');
  });

  it('refuses a document without markers', () => {
    expect(() => updateReference('# nothing here\n')).toThrow(/lacks the markers/);
    expect(updateReference(`a\n${REFERENCE_BEGIN}\nold\n${REFERENCE_END}\nb\n`)).toMatch(/^a\n<!-- reference:begin[^\n]*\n\n### Top level\n[\s\S]*\n<!-- reference:end -->\nb\n$/);
  });
});
