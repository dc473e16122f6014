// Reading the configuration schema as data: unwrapping defaults and optionals, finding the schema of a key.
// The loader, the error messages and the reference all walk the schema through these few functions.
import { z } from 'zod';

/** A schema with its wrappers (default, prefault, optional, nullable) taken off and their facts kept. */
export interface Unwrapped {
  /** The innermost schema: object, array, record, enum, string, number, boolean, or a pipe (sizes, durations). */
  schema: z.ZodType;
  /** The value an absent key takes, as it would be written in the file; `undefined` when there is none. */
  defaultValue?: unknown;
  hasDefault: boolean;
  /** The key may be left out (a default applies, or the key is optional). */
  optional: boolean;
  /** The outermost description found on the way in. */
  description?: string | undefined;
}

/** Takes off default/prefault/optional/nullable/readonly wrappers, keeping the first description and default. */
export function unwrap(schema: z.ZodType): Unwrapped {
  const out: Unwrapped = { schema, hasDefault: false, optional: false };
  let current: z.ZodType = schema;
  for (;;) {
    out.description ??= current.description;
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      if (!out.hasDefault) {
        out.hasDefault = true;
        out.defaultValue = current._zod.def.defaultValue;
      }
      out.optional = true;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodOptional) {
      out.optional = true;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodNullable || current instanceof z.ZodReadonly) {
      current = current.unwrap() as z.ZodType;
    } else {
      break;
    }
  }
  out.schema = current;
  return out;
}

/** The fields of an object schema (after unwrapping), or undefined when it is not an object. */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const inner = unwrap(schema).schema;
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : undefined;
}

/** The schema one step down from `schema`: an object's field, an array's element, a record's value. */
export function child(schema: z.ZodType, segment: string | number): z.ZodType | undefined {
  const inner = unwrap(schema).schema;
  if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodType>;
    return typeof segment === 'string' && Object.hasOwn(shape, segment) ? shape[segment] : undefined;
  }
  if (inner instanceof z.ZodArray) return /^\d+$/.test(String(segment)) ? (inner.element as z.ZodType) : undefined;
  if (inner instanceof z.ZodRecord) return inner.valueType as z.ZodType;
  return undefined;
}

/** The schema of the key at `path`, e.g. ['smtpd', 'listeners', 0, 'port']; undefined for a key the schema lacks. */
export function schemaAt(root: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const segment of path) {
    if (!current) return undefined;
    current = child(current, segment);
  }
  return current;
}

/** True when values at this schema are plain strings (or a choice of strings): environment values stay verbatim. */
export function isStringLike(schema: z.ZodType): boolean {
  const inner = unwrap(schema).schema;
  return inner instanceof z.ZodString || inner instanceof z.ZodEnum;
}
