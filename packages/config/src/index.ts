// @mail/config: one YAML configuration file plus MAIL_* environment overrides, validated by a zod schema, for every daemon of the suite.
export * from './schema/index.js';
export { child, isStringLike, schemaAt, shapeOf, unwrap, type Unwrapped } from './schema/walk.js';
export * from './errors.js';
export * from './env.js';
export * from './paths.js';
export * from './secrets.js';
export * from './load.js';
export * from './diff.js';
export * from './format.js';
export * from './reference.js';
export * from './daemon.js';
