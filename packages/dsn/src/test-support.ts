// Parsing reports back in tests: the MIME structure (through @mail/mime) and the field groups of the status part.
import { parseHeader, parseStructureSync, unfold, type MessageStructure, type MimePart } from '@mail/mime';

export interface ParsedReport {
  raw: Buffer;
  structure: MessageStructure;
  header: Map<string, string>;
  parts: MimePart[];
  body(part: MimePart): string;
  /** Field groups of the delivery-status part: [per-message, ...per-recipient], names lower-cased. */
  groups: Array<Map<string, string>>;
}

export function fieldsOf(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of parseHeader(Buffer.from(`${text}\r\n\r\n`, 'utf8'))) map.set(f.name.toLowerCase(), Buffer.from(unfold(f.value), 'latin1').toString('utf8').trim());
  return map;
}

export function parseReport(raw: Buffer): ParsedReport {
  const structure = parseStructureSync(raw);
  const header = new Map(parseHeader(raw).map((f) => [f.name.toLowerCase(), Buffer.from(unfold(f.value), 'latin1').toString('utf8')] as const));
  const body = (p: MimePart): string => raw.subarray(p.bodyStart, p.bodyEnd).toString('utf8');
  const parts = structure.root.parts;
  const statusPart = parts[1];
  const groups = statusPart
    ? body(statusPart)
        .split(/\r\n\r\n/)
        .map((g) => g.trim())
        .filter((g) => g !== '')
        .map(fieldsOf)
    : [];
  return { raw, structure, header, parts, body, groups };
}
