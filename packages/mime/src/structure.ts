// parseStructure: the MIME structure of a message from a stream or a buffer, in one pass with bounded memory.
import type { Readable } from 'node:stream';
import { StructureParser, type ParseLimits } from './parser.js';
import type { MessageStructure } from './types.js';

export type MessageSource = Readable | AsyncIterable<Uint8Array | string> | Uint8Array;

/**
 * Parses a message's structure. Streams are read once, chunk by chunk; only header fields and at most one line
 * (up to `maxLineBytes`) are held at a time, so messages of any size can be parsed.
 */
export async function parseStructure(source: MessageSource, limits: ParseLimits = {}): Promise<MessageStructure> {
  if (source instanceof Uint8Array) return parseStructureSync(source, limits);
  const parser = new StructureParser(limits);
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    parser.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  }
  return parser.end();
}

/** Parses a message held in memory. */
export function parseStructureSync(message: Uint8Array, limits: ParseLimits = {}): MessageStructure {
  const parser = new StructureParser(limits);
  parser.write(message);
  return parser.end();
}
