// The "subscriptions" file in Dovecot's version 2 format: "V\t2\n\n", then one folder per line, levels in modified UTF-7 separated by tabs.
import { join } from 'node:path';
import type { HierarchySeparator } from './folder-names.js';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';
import { RecordFile } from './record-file.js';

export const SUBSCRIPTIONS_NAME = 'subscriptions';
const V2_HEADER = 'V\t2\n\n';

const ESC = '\x01';
const ESCAPES: Record<string, string> = { [ESC]: '1', '\t': 't', '\r': 'r', '\n': 'n' };
const UNESCAPES: Record<string, string> = { '1': ESC, t: '\t', r: '\r', n: '\n' };

/** Dovecot's tab-escaping: \001 → \0011, \t → \001t, \r → \001r, \n → \001n. */
export function tabEscape(text: string): string {
  let out = '';
  for (const c of text) out += c in ESCAPES ? ESC + ESCAPES[c] : c;
  return out;
}

export function tabUnescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ESC && i + 1 < text.length) {
      const next = text[++i] as string;
      out += UNESCAPES[next] ?? next;
    } else {
      out += c;
    }
  }
  return out;
}

/** A level as Dovecot stores it: modified UTF-7; text that is not valid modified UTF-7 is taken as it is. */
export function decodeLevel(level: string): string {
  try {
    return decodeMutf7(level);
  } catch {
    return level;
  }
}

/** Parses the file into folder names written with `separator`; version 1 files hold one storage name per line. */
export function parseSubscriptions(text: string, separator: HierarchySeparator): string[] {
  const v2 = text.startsWith(V2_HEADER);
  const body = v2 ? text.slice(V2_HEADER.length) : text;
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (line.length === 0) continue;
    const levels = v2 ? line.split('\t').map(tabUnescape) : line.split('.');
    out.push(levels.map(decodeLevel).join(separator));
  }
  return out;
}

/** Formats names (written with `separator`) as a version 2 file, as Dovecot writes it. */
export function formatSubscriptions(names: readonly string[], separator: HierarchySeparator): string {
  let out = V2_HEADER;
  for (const name of names) out += `${name.split(separator).map((l) => tabEscape(encodeMutf7(l))).join('\t')}\n`;
  return out;
}

/** One account's subscriptions; changes go through "subscriptions.lock" and a rename, as Dovecot does. */
export class SubscriptionFile {
  private readonly file: RecordFile<string>;

  constructor(root: string, separator: HierarchySeparator) {
    this.file = new RecordFile(join(root, SUBSCRIPTIONS_NAME), (text) => parseSubscriptions(text, separator), (names) => formatSubscriptions(names, separator));
  }

  get path(): string {
    return this.file.path;
  }

  list(): Promise<string[]> {
    return this.file.list();
  }

  /** Adds or removes names; returns true when the file changed. */
  update(add: readonly string[], remove: readonly string[]): Promise<boolean> {
    return this.file.update((current) => {
      const removeSet = new Set(remove);
      const next = current.filter((n) => !removeSet.has(n));
      for (const n of add) if (!next.includes(n)) next.push(n);
      const changed = next.length !== current.length || next.some((n, i) => n !== current[i]);
      return changed ? next : null;
    });
  }
}
