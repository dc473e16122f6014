// Reading delivered messages and reports in tests: header fields, the delivery-status groups, the MIME structure.
import { parseHeader, parseStructureSync, unfold } from '@mail/mime';

export function headerOf(message: Buffer): Array<[string, string]> {
  return parseHeader(message).map((f) => [f.name.toLowerCase(), Buffer.from(unfold(f.value), 'latin1').toString('utf8').trim()]);
}

export function field(message: Buffer, name: string): string | undefined {
  return headerOf(message).find(([n]) => n === name.toLowerCase())?.[1];
}

export interface Report {
  type: string;
  parts: string[];
  groups: Array<Record<string, string>>;
  text: string;
}

/** The parts and delivery-status groups of a report as stored in a mailbox. */
export function parseReport(message: Buffer): Report {
  const s = parseStructureSync(message);
  const parts = s.root.parts.map((p) => `${p.type}/${p.subtype}`.toLowerCase());
  const body = (i: number): string => {
    const p = s.root.parts[i];
    return p ? message.subarray(p.bodyStart, p.bodyEnd).toString('utf8') : '';
  };
  const groups = body(1)
    .split(/\r?\n\r?\n/)
    .filter((g) => g.trim() !== '')
    .map((g) => Object.fromEntries(parseHeader(Buffer.from(`${g.trim()}\r\n\r\n`)).map((f) => [f.name.toLowerCase(), unfold(f.value).trim()])));
  return { type: `${s.root.type}/${s.root.subtype}`.toLowerCase(), parts, groups, text: body(0) };
}
