// Mailbox name codec: modified UTF-7 (RFC 3501 §5.1.3) for IMAP4rev1 clients, UTF-8 for IMAP4rev2 and
// UTF8=ACCEPT (RFC 9051 §5.1, RFC 6855), and the case-insensitive INBOX rule.
import { MailboxNameError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Encodes a Unicode mailbox name: printable ASCII as itself, "&" as "&-", runs of anything else as &<base64>-. */
export function encodeMutf7(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const code = name.charCodeAt(i);
    if (isPrintableAscii(code)) {
      out += code === 0x26 ? '&-' : name[i];
      i++;
      continue;
    }
    let j = i;
    while (j < name.length && !isPrintableAscii(name.charCodeAt(j))) j++;
    out += `&${encodeRun(name.slice(i, j))}-`;
    i = j;
  }
  return out;
}

function encodeRun(run: string): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let k = 0; k < run.length; k++) {
    const unit = run.charCodeAt(k);
    for (const byte of [unit >> 8, unit & 0xff]) {
      acc = ((acc << 8) | byte) & 0xffffff;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += B64[(acc >> bits) & 0x3f];
      }
    }
  }
  if (bits > 0) out += B64[(acc << (6 - bits)) & 0x3f];
  return out;
}

/**
 * Decodes a modified UTF-7 name with the checks RFC 3501 §5.1.3 asks for: 7-bit printable input only, every
 * shift closed by "-", no null shifts ("&-" aside) and no adjacent encoded runs, no printable ASCII hidden in
 * base64, zero padding bits, whole UTF-16 units and well-formed surrogate pairs. Throws MailboxNameError.
 */
export function decodeMutf7(encoded: string): string {
  let out = '';
  let i = 0;
  let lastRunEnd = -1;
  while (i < encoded.length) {
    const code = encoded.charCodeAt(i);
    if (!isPrintableAscii(code)) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (octet outside printable US-ASCII)');
    if (code !== 0x26) {
      out += encoded[i];
      i++;
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end < 0) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (unterminated "&")');
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      continue;
    }
    if (lastRunEnd === i) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (adjacent encoded runs)');
    out += decodeRun(encoded.slice(i + 1, end));
    i = end + 1;
    lastRunEnd = i;
  }
  return out;
}

function decodeRun(run: string): string {
  const units: number[] = [];
  let acc = 0;
  let bits = 0;
  let pendingByte = -1;
  for (let k = 0; k < run.length; k++) {
    const c = run.charCodeAt(k);
    const v = c < 128 ? (B64_VALUE[c] as number) : -1;
    if (v < 0) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (bad base64 character)');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      if (pendingByte < 0) pendingByte = byte;
      else {
        units.push((pendingByte << 8) | byte);
        pendingByte = -1;
      }
    }
  }
  if (pendingByte >= 0 || bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) {
    throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (incomplete base64 run)');
  }
  let out = '';
  for (let k = 0; k < units.length; k++) {
    const u = units[k] as number;
    if (isPrintableAscii(u)) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (printable ASCII encoded)');
    if (u >= 0xd800 && u <= 0xdbff) {
      const low = units[k + 1];
      if (low === undefined || low < 0xdc00 || low > 0xdfff) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (lone surrogate)');
      out += String.fromCharCode(u, low);
      k++;
      continue;
    }
    if (u >= 0xdc00 && u <= 0xdfff) throw new MailboxNameError('Mailbox name is not valid modified UTF-7 (lone surrogate)');
    out += String.fromCharCode(u);
  }
  return out;
}

/** True when `encoded` decodes cleanly. */
export function isValidMutf7(encoded: string): boolean {
  try {
    decodeMutf7(encoded);
    return true;
  } catch {
    return false;
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Mailbox name as it travels on the wire → Unicode. With `utf8` (IMAP4rev2 or UTF8=ACCEPT enabled) the octets
 * are UTF-8 and "&" has no special meaning; otherwise they are modified UTF-7.
 */
export function decodeMailboxName(wire: Uint8Array, utf8: boolean): string {
  let text: string;
  try {
    text = utf8Decoder.decode(wire);
  } catch {
    throw new MailboxNameError('Mailbox name is not valid UTF-8');
  }
  return utf8 ? text : decodeMutf7(text);
}

/** Unicode mailbox name → its wire text for the session's mode (see decodeMailboxName). */
export function encodeMailboxName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeMutf7(name);
}

/** "INBOX" in any case names the user's inbox (RFC 9051 §5.1). */
export function isInbox(name: string): boolean {
  return name.length === 5 && name.toUpperCase() === 'INBOX';
}

/**
 * Canonical spelling of INBOX: "inbox" → "INBOX", and with a hierarchy delimiter also "Inbox/Sub" → "INBOX/Sub",
 * so that the inbox and its children are found whatever case the client used.
 */
export function normalizeInbox(name: string, delimiter?: string | null): string {
  if (name.length < 5 || name.slice(0, 5).toUpperCase() !== 'INBOX') return name;
  if (name.length === 5) return 'INBOX';
  if (delimiter && name.startsWith(delimiter, 5)) return `INBOX${name.slice(5)}`;
  return name;
}
