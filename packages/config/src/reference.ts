// The configuration reference, generated from the schema: every key with its type, default and description,
// as Markdown tables (one per section) for docs/configuration.md.
import { stringify } from 'yaml';
import { z } from 'zod';
import { ConfigSchema } from './schema/index.js';
import { kindOf } from './schema/values.js';
import { unwrap } from './schema/walk.js';

/** One key of the configuration as the reference shows it. */
export interface ReferenceEntry {
  /** Dotted key; `[]` stands for any list item, `<name>` for any key of a map: `smtpd.listeners[].port`, `tls.sni.<name>.cert`. */
  key: string;
  type: string;
  /** The default as written in YAML; undefined when the key has none. */
  default?: string | undefined;
  /** The key must be set (within its section, when the section itself is optional). */
  required: boolean;
  /** The key holds a group of keys (listed after it) rather than a value. */
  section: boolean;
  description: string;
}

const KIND_TYPE = { size: 'size', duration: 'duration', file: 'path', network: 'network' } as const;

/** A value as it would be written in the file, on one line. */
export function yamlInline(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim();
}

function plural(type: string): string {
  return /^(string|integer|number|boolean|size|duration|path|network|mapping)$/.test(type) ? `${type}s` : type;
}

/** A short type name: `integer 1–65535`, `one of: none, starttls, implicit`, `list of strings`, `size`. */
export function typeName(schema: z.ZodType): string {
  const inner = unwrap(schema).schema;
  const kind = kindOf(inner);
  if (kind) return KIND_TYPE[kind];
  if (inner instanceof z.ZodObject) return 'mapping';
  if (inner instanceof z.ZodArray) return `list of ${plural(typeName(inner.element as z.ZodType))}`;
  if (inner instanceof z.ZodRecord) return `map of name → ${typeName(inner.valueType as z.ZodType)}`;
  if (inner instanceof z.ZodEnum) return `one of: ${inner.options.map(String).join(', ')}`;
  if (inner instanceof z.ZodBoolean) return 'boolean';
  if (inner instanceof z.ZodString) return 'string';
  if (inner instanceof z.ZodNumber) {
    const base = inner.isInt ? 'integer' : 'number';
    const min = inner.minValue !== null && Number.isFinite(inner.minValue) && Math.abs(inner.minValue) < Number.MAX_SAFE_INTEGER ? inner.minValue : undefined;
    const max = inner.maxValue !== null && Number.isFinite(inner.maxValue) && Math.abs(inner.maxValue) < Number.MAX_SAFE_INTEGER ? inner.maxValue : undefined;
    if (min !== undefined && max !== undefined) return `${base} ${min}–${max}`;
    if (min !== undefined) return `${base} ≥ ${min}`;
    if (max !== undefined) return `${base} ≤ ${max}`;
    return base;
  }
  return 'value';
}

function entry(key: string, schema: z.ZodType): ReferenceEntry {
  const u = unwrap(schema);
  const empty = u.hasDefault && typeof u.defaultValue === 'object' && u.defaultValue !== null && !Array.isArray(u.defaultValue) && Object.keys(u.defaultValue).length === 0;
  return {
    key,
    type: typeName(schema),
    default: u.hasDefault && !(empty && u.schema instanceof z.ZodObject) ? yamlInline(u.defaultValue) : undefined,
    required: !u.optional,
    section: u.schema instanceof z.ZodObject,
    description: u.description ?? '',
  };
}

/** Every key under `schema` (an object), depth first in schema order; sections and lists get a row of their own. */
export function referenceEntries(schema: z.ZodType = ConfigSchema, prefix = ''): ReferenceEntry[] {
  const inner = unwrap(schema).schema;
  if (!(inner instanceof z.ZodObject)) return [];
  const out: ReferenceEntry[] = [];
  for (const [name, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const fieldInner = unwrap(field).schema;
    out.push(entry(key, field));
    if (fieldInner instanceof z.ZodObject) out.push(...referenceEntries(fieldInner, key));
    if (fieldInner instanceof z.ZodArray) out.push(...referenceEntries(fieldInner.element as z.ZodType, `${key}[]`));
    if (fieldInner instanceof z.ZodRecord) out.push(...referenceEntries(fieldInner.valueType as z.ZodType, `${key}.<name>`));
  }
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function prose(text: string): string {
  return cell(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function table(entries: ReferenceEntry[]): string[] {
  const rows = entries.map((e) => {
    const def = e.default !== undefined ? code(e.default) : e.required ? '*required*' : e.section ? '' : '—';
    return `| ${cell(code(e.key))} | ${prose(e.type)} | ${cell(def)} | ${prose(e.description)} |`;
  });
  return ['| key | type | default | description |', '|---|---|---|---|', ...rows];
}

/** The reference as Markdown: top-level keys first, then one table per section. */
export function renderReference(schema: z.ZodType = ConfigSchema): string {
  const inner = unwrap(schema).schema;
  if (!(inner instanceof z.ZodObject)) throw new TypeError('the configuration schema must be an object');
  const all = referenceEntries(schema);
  const shape = inner.shape as Record<string, z.ZodType>;
  const sections = Object.keys(shape).filter((k) => unwrap(shape[k]!).schema instanceof z.ZodObject);
  const lines: string[] = ['### Top level', '', ...table(all.filter((e) => !sections.some((s) => e.key === s || e.key.startsWith(`${s}.`))))];
  for (const section of sections) {
    const description = unwrap(shape[section]!).description;
    lines.push('', `### ${section}`, '');
    if (description) lines.push(`${prose(description[0]!.toUpperCase() + description.slice(1))}.`, '');
    lines.push(...table(all.filter((e) => e.key.startsWith(`${section}.`))));
  }
  return `${lines.join('\n')}\n`;
}

export const REFERENCE_BEGIN = '<!-- reference:begin (generated from the schema by `pnpm --filter @mail/config run docs`; edit the schema, not this table) -->';
export const REFERENCE_END = '<!-- reference:end -->';

/** `document` with the text between the reference markers replaced by the current reference. */
export function updateReference(document: string, schema: z.ZodType = ConfigSchema): string {
  const begin = document.indexOf(REFERENCE_BEGIN);
  const end = document.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) throw new Error(`the document lacks the markers ${REFERENCE_BEGIN} … ${REFERENCE_END}`);
  return `${document.slice(0, begin + REFERENCE_BEGIN.length)}\n\n${renderReference(schema)}\n${document.slice(end)}`;
}
