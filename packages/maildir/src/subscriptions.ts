// The "subscriptions" file in Dovecot's version 2 format: "V\t2\n\n", then one folder per line, levels in modified UTF-7 separated by tabs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './errors.js';
import type { HierarchySeparator } from './folder-names.js';
import { acquireDotlock } from './lock.js';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';

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
function decodeLevel(level: string): string {
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
  readonly path: string;

  constructor(root: string, private readonly separator: HierarchySeparator) {
    this.path = join(root, SUBSCRIPTIONS_NAME);
  }

  async list(): Promise<string[]> {
    try {
      return parseSubscriptions(await readFile(this.path, 'utf8'), this.separator);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  /** Adds or removes names; returns true when the file changed. */
  async update(add: readonly string[], remove: readonly string[]): Promise<boolean> {
    const lock = await acquireDotlock(this.path, { staleMs: 30_000, timeoutMs: 120_000 });
    try {
      const current = await this.list();
      const removeSet = new Set(remove);
      const next = current.filter((n) => !removeSet.has(n));
      for (const n of add) if (!next.includes(n)) next.push(n);
      const changed = next.length !== current.length || next.some((n, i) => n !== current[i]);
      if (!changed) {
        await lock.release();
        return false;
      }
      await lock.replace(formatSubscriptions(next, this.separator));
      return true;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }
}
