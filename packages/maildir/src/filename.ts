// Maildir file names: unique base names with ,S=<size>,W=<vsize>, and the ":2,<flags>" info part (Maildir and Maildir++ specs, Dovecot's rules).
import { hostname } from 'node:os';

export interface MaildirName {
  /** Everything before ":" — the stable identity of the message across flag changes and new/ → cur/. */
  base: string;
  /** Text after ":" (e.g. "2,FS"), or null when the name has no info part (usual in new/). */
  info: string | null;
  /** Flag letters of a "2," info up to the next "," (other flag sets are not ours); "" otherwise. */
  letters: string;
  /** Physical size from ",S=<n>" when present. */
  size?: number;
  /** Size with CRLF line endings from ",W=<n>" when present. */
  vsize?: number;
}

/** Splits a Maildir file name into its parts; never throws (unknown shapes come back with letters ""). */
export function parseMaildirName(name: string): MaildirName {
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const info = colon < 0 ? null : name.slice(colon + 1);
  let letters = '';
  if (info !== null && info.startsWith('2,')) {
    const rest = info.slice(2);
    const comma = rest.indexOf(',');
    letters = comma < 0 ? rest : rest.slice(0, comma);
  }
  const out: MaildirName = { base, info, letters };
  const size = sizeField(base, 'S');
  if (size !== undefined) out.size = size;
  const vsize = sizeField(base, 'W');
  if (vsize !== undefined) out.vsize = vsize;
  return out;
}

/** Reads ",S=<n>" or ",W=<n>" from a base name the way Dovecot does (digits up to ",", ":" or the end). */
export function sizeField(base: string, key: 'S' | 'W'): number | undefined {
  const marker = `,${key}=`;
  const at = base.indexOf(marker);
  if (at < 0) return undefined;
  let i = at + marker.length;
  let value = 0;
  let digits = 0;
  for (; i < base.length; i++) {
    const c = base.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    digits++;
  }
  if (digits === 0 || (i < base.length && base[i] !== ',')) return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Letters this package manages: the system flags D F P R S T and keyword letters a–z. */
function isKnownLetter(c: string): boolean {
  return c === 'D' || c === 'F' || c === 'P' || c === 'R' || c === 'S' || c === 'T' || (c >= 'a' && c <= 'z');
}

/**
 * Returns `name` with its flag letters replaced by `letters` (the complete new set of known letters).
 * Like Dovecot, letters we do not know are kept, everything is sorted by ASCII code, and further
 * flag sets after another "," are preserved.
 */
export function withFlags(name: string, letters: string): string {
  const { base, info } = parseMaildirName(name);
  let old = '';
  let tail = '';
  if (info !== null && info.startsWith('2,')) {
    const rest = info.slice(2);
    const comma = rest.indexOf(',');
    old = comma < 0 ? rest : rest.slice(0, comma);
    tail = comma < 0 ? '' : rest.slice(comma);
  }
  const set = new Set<string>();
  for (const c of old) if (!isKnownLetter(c)) set.add(c);
  for (const c of letters) set.add(c);
  return `${base}:2,${sortLetters([...set].join(''))}${tail}`;
}

/** Sorts flag letters by ASCII code and drops duplicates, as the Maildir spec requires. */
export function sortLetters(letters: string): string {
  return [...new Set(letters)].sort().join('');
}

/** Host part of generated names: the Maildir spec replaces "/" and ":"; "," is replaced too so ",S=" stays unambiguous. */
export function maildirHostname(host: string = hostname()): string {
  const cleaned = host.replace(/[/:,\\\s]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return cleaned.length > 0 ? cleaned : 'localhost';
}

let sequence = 0;
let lastMicros = 0;
/** This host's part of generated names, looked up once per process (as Dovecot's my_hostname): not a uname() per message. */
let ownHost: string | undefined;

/** Current time in microseconds, strictly increasing within this process. */
function nowMicros(): number {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastMicros = micros > lastMicros ? micros : lastMicros + 1;
  return lastMicros;
}

export interface GenerateOptions {
  /** Sizes for ",S=" and ",W="; left out when unknown yet (a file still being written to tmp/). */
  size?: number;
  vsize?: number;
  host?: string;
  pid?: number;
  /** Fixed time for tests, in milliseconds. */
  nowMs?: number;
}

/**
 * A new unique base name: `<secs>.M<usecs>P<pid>Q<seq>.<host>,S=<size>,W=<vsize>` (Dovecot's and
 * qmail's scheme: time, process and a per-process counter make it unique per host).
 */
export function generateBaseName(options: GenerateOptions): string {
  const micros = options.nowMs !== undefined ? options.nowMs * 1000 : nowMicros();
  const secs = Math.floor(micros / 1_000_000);
  const usecs = micros % 1_000_000;
  sequence = (sequence + 1) % 1_000_000_000;
  const host = options.host !== undefined ? maildirHostname(options.host) : (ownHost ??= maildirHostname());
  const sizes = options.size !== undefined && options.vsize !== undefined ? `,S=${options.size},W=${options.vsize}` : '';
  return `${secs}.M${usecs}P${options.pid ?? process.pid}Q${sequence}.${host}${sizes}`;
}

/** The delivery time written at the start of a base name, in milliseconds, or undefined. */
export function baseTimeMs(base: string): number | undefined {
  const m = /^(\d{1,12})\./.exec(base);
  if (!m) return undefined;
  let ms = Number(m[1]) * 1000;
  const us = /^\d+\.[^.]*?M(\d{1,6})/.exec(base);
  if (us) ms += Math.floor(Number(us[1]) / 1000);
  return ms;
}

/** Dovecot's order for new files: time in the name, then the name. */
export function compareByDeliveryTime(a: string, b: string): number {
  const ta = baseTimeMs(a) ?? 0;
  const tb = baseTimeMs(b) ?? 0;
  return ta !== tb ? ta - tb : a < b ? -1 : a > b ? 1 : 0;
}
